// A fixed set of worker threads that run the items of a job in parallel; the
// calling thread works too, so a pool of one thread runs everything inline.
// Items are handed out dynamically, so which worker runs an item varies from
// run to run: callers that need repeatable results keep them per item and
// combine them in item order. One job at a time: run() is not reentrant and
// must be called from one thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace flowspike::snn {

// std::thread::hardware_concurrency(), at least 1.
unsigned hardware_threads();

class WorkerPool {
 public:
  // threads = 0: hardware_threads().
  explicit WorkerPool(unsigned threads = 0);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  unsigned size() const { return size_; }

  // Calls fn(item, worker) for every item in [0, count), worker in [0, size()),
  // and returns when all are done. If a call throws, the remaining items are
  // skipped and the first exception is rethrown here.
  void run(size_t count, const std::function<void(size_t item, unsigned worker)>& fn);

 private:
  void work(unsigned worker);
  void drain(unsigned worker);

  unsigned size_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t, unsigned)>* job_ = nullptr;
  size_t count_ = 0;
  size_t next_ = 0;         // next item to hand out
  size_t busy_ = 0;         // helper threads still inside the current job
  uint64_t generation_ = 0;  // bumped per job so sleeping helpers see new work
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace flowspike::snn
