#include "flowspike/snn/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace flowspike::snn {
namespace {

TEST(WorkerPool, RunsEveryItemOnceOnValidWorkers) {
  for (unsigned threads : {1u, 2u, 4u}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (size_t count : {0u, 1u, 7u, 1000u}) {
      std::vector<std::atomic<int>> seen(count);
      std::atomic<bool> bad_worker{false};
      pool.run(count, [&](size_t item, unsigned worker) {
        seen[item]++;
        if (worker >= threads) bad_worker = true;
      });
      for (size_t i = 0; i < count; ++i) EXPECT_EQ(seen[i].load(), 1) << threads << " threads, item " << i;
      EXPECT_FALSE(bad_worker);
    }
  }
}

TEST(WorkerPool, RethrowsTheFirstErrorAndStaysUsable) {
  WorkerPool pool(3);
  EXPECT_THROW(pool.run(100,
                        [](size_t item, unsigned) {
                          if (item == 42) throw std::runtime_error("item 42");
                        }),
               std::runtime_error);
  std::atomic<size_t> done{0};
  pool.run(50, [&](size_t, unsigned) { ++done; });
  EXPECT_EQ(done.load(), 50u);
}

TEST(WorkerPool, ZeroThreadsMeansHardwareThreads) {
  WorkerPool pool(0);
  EXPECT_EQ(pool.size(), hardware_threads());
}

}  // namespace
}  // namespace flowspike::snn
