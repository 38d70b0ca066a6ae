// tsbpf's hooks: programs that run on events in Node.js, on packets and on timers.
export { attach, type HookAttachOptions } from './attach.js';
export { Link, type LinkStats, type LinkErrorListener } from './link.js';
export { HookPoint, type AttachOptions, type ArenaSlot } from './hook-point.js';
export { executableProgram, progTypeName, type HookProgram, type ExecutableProgramOptions } from './program.js';
export { hookProgramOf, type LiveProgramLike } from './object-program.js';
export { vmMapOf, type LiveMapLike } from './object-map.js';
export type { HookRunInfo } from './run-context.js';
export { resolveHook, type HookTargetOptions } from './resolve.js';
export { enableHookStats, hookStatsEnabled } from './stats.js';
export { HookError, UnknownHookError, WrongProgramTypeError, CtxAccessError, HookTargetError } from './errors.js';
// Node.js tracepoints and syscalls
export { NODE_TRACEPOINTS, nodeTracepoint } from './tracepoints/node-table.js';
export { NodeTracepoint } from './tracepoints/node-tracepoint.js';
export type { NodeTracepointDef } from './tracepoints/node-tracepoint-def.js';
export { SYSCALL_TRACEPOINTS, syscallTracepoint } from './syscalls/syscall-table.js';
export { SyscallTracepoint, type SyscallArg } from './syscalls/syscall-tracepoint.js';
// Function probes
export { uprobe, uretprobe } from './uprobes/targets.js';
export { registerUprobeLoader } from './uprobes/esm-registry.js';
export { UprobeHook } from './uprobes/uprobe-hook.js';
export { ArgKind, UPROBE_AT, UPROBE_F_PROMISE, UPROBE_F_RETURN, UPROBE_F_THREW, UPROBE_F_TRUNCATED } from './uprobes/uprobe-ctx.js';
// Packets
export { PacketInterface, type VerdictCounts, type ReceiveResult } from './packets/packet-interface.js';
export { XdpHook, type XdpOutcome } from './packets/xdp-hook.js';
export { SocketFilterHook } from './packets/socket-filter-hook.js';
export { replayCapture, type ReplayResult } from './packets/replay.js';
export { UdpProxy, type ProxyOptions, type ProxyStats } from './packets/udp-proxy.js';
export { TcpProxy, type TcpProxyStats } from './packets/tcp-proxy.js';
export { buildFrame, parseFrame, type SegmentSpec, type ParsedFrame } from './packets/frames.js';
export { CaptureError, LINKTYPE_ETHERNET, LINKTYPE_RAW, type Capture, type CapturedPacket, type CaptureInterface } from './packets/capture/capture.js';
export { readPcap, writePcap, type PcapWriteOptions } from './packets/capture/pcap.js';
export { readPcapng, writePcapng, type PcapngWriteOptions } from './packets/capture/pcapng.js';
export { readCapture, readCaptureFile } from './packets/capture/read-capture.js';
// Timers
export { PerfEventHook, type PerfEventOptions } from './timers/perf-event-hook.js';
// Events to TypeScript
export { RecordStream, type RecordSource, type RecordStreamOptions } from './events/record-stream.js';
export { ringBufferEvents } from './events/ring-events.js';
export { perfBufferEvents, type PerfEventsOptions } from './events/perf-events.js';
export { tracePipeEvents, formatTraceRecord } from './events/trace-stream.js';
// Whole objects
export { AttachSession, type SessionEvent, type SessionOptions } from './session/attach-session.js';
// Context types: C headers and BTF
export { HOOK_HEADERS, headerText, hookContextBtf } from './headers.js';
