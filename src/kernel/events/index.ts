// Consumers of the events programs send to user space: ring buffers and perf buffers, over mmap and epoll.
export { RingBufferReader, EventReaderError, type RingBufferMap } from './ring-buffer-reader.js';
export { PerfBufferReader, type PerfRecord, type PerfBufferOptions, type PerfEventArrayMap } from './perf-buffer-reader.js';
