import { monotonicNowNs } from '../../helpers/clock.js';
import type { ProgTypeName } from '../../progtypes/prog-types.js';
import { CtxImage } from '../ctx/image.js';
import { layoutOf } from '../ctx/layout.js';
import { HookPoint, type ArenaSlot } from '../hook-point.js';
import { COMMON_SIZE, writeCommon } from './common.js';
import type { CtxFill, NodeTracepointDef } from './node-tracepoint-def.js';

/**
 * `tracepoint/node/<name>`: runs tracepoint programs on a Node.js event
 * with the def's fixed context struct. The context is read-only and its
 * region ends where the struct ends, so a program that reads past it
 * faults (and is refused at attach when the verifier says how far it reads).
 */
export class NodeTracepoint extends HookPoint {
  readonly name: string;
  readonly progTypes: readonly ProgTypeName[] = ['tracepoint'];
  readonly ctxSize: number;
  private readonly image: CtxImage;
  private uninstall: (() => void) | null = null;

  constructor(readonly def: NodeTracepointDef) {
    super();
    this.name = `tracepoint/node/${def.name}`;
    this.image = new CtxImage(layoutOf(def.struct));
    this.ctxSize = this.image.layout.size;
  }

  protected activate(): void {
    this.uninstall = this.def.install(this.emit);
  }

  protected deactivate(): void {
    const undo = this.uninstall;
    this.uninstall = null;
    undo?.();
  }

  /** Events build only the bytes the programs attached now read. */
  protected override attachmentsChanged(): void {
    this.image.readSet = this.attachedReadSet();
  }

  private readonly emit = (fill: CtxFill, message?: unknown): void => {
    if (!this.active) return;
    // An event shaped differently than expected (another Node version) is skipped, never thrown into the app.
    try {
      const own = this.image;
      const img = this.eventImage(own).clear();
      const now = monotonicNowNs();
      if (img.reads(0, COMMON_SIZE)) writeCommon(img, this.def.id, now);
      if (fill(img, message, now) !== false) this.runAll(img === own ? this.writeImage : null);
    } catch (err) {
      this.skipEvent(err);
    }
  };

  /** Copies the event's context into a slot (one function, not a closure per event). */
  private readonly writeImage = (slot: ArenaSlot): void => HookPoint.writeCtx(slot, this.image.bytes);
}
