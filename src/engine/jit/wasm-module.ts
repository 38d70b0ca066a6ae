import { ByteWriter } from './byte-writer.js';
import { ExternKind, I64, Op, Section } from './wasm-opcodes.js';

/** A function body before encoding: its extra locals (beyond the params) and its code, ending in `end`. */
export interface FunctionBody {
  /** Value types of the locals declared after the params, in index order. */
  readonly locals: readonly number[];
  readonly code: Uint8Array;
}

interface Import {
  readonly module: string;
  readonly name: string;
  readonly kind: number;
  /** Type index (func), minimum pages (memory) or value type (global). */
  readonly desc: number;
  readonly mutable?: boolean;
}

/**
 * A WebAssembly module under construction, encoded straight to the binary
 * format. Every import must be added before the first defined function,
 * since imported functions come first in the function index space.
 */
export class ModuleBuilder {
  private readonly types: Array<{ params: readonly number[]; results: readonly number[] }> = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly imports: Import[] = [];
  private importedFuncs = 0;
  private importedGlobals = 0;
  private readonly funcTypes: number[] = [];
  private readonly bodies: Array<FunctionBody | null> = [];
  private readonly exports: Array<{ name: string; kind: number; index: number }> = [];
  private readonly globals: Array<{ type: number; mutable: boolean }> = [];

  /** Index of the function type (params) -> (results), added once. */
  type(params: readonly number[], results: readonly number[]): number {
    const key = `${params.join(',')}:${results.join(',')}`;
    let index = this.typeKeys.get(key);
    if (index === undefined) {
      index = this.types.length;
      this.types.push({ params, results });
      this.typeKeys.set(key, index);
    }
    return index;
  }

  importFunction(module: string, name: string, typeIndex: number): number {
    if (this.funcTypes.length > 0) throw new Error('wasm module: imports must precede defined functions');
    this.imports.push({ module, name, kind: ExternKind.func, desc: typeIndex });
    return this.importedFuncs++;
  }

  importMemory(module: string, name: string, minPages: number): void {
    this.imports.push({ module, name, kind: ExternKind.memory, desc: minPages });
  }

  importGlobal(module: string, name: string, valueType: number, mutable: boolean): number {
    this.imports.push({ module, name, kind: ExternKind.global, desc: valueType, mutable });
    return this.importedGlobals++;
  }

  /** A module-defined global of type i32 or i64, initially zero. */
  addGlobal(valueType: number, mutable: boolean): number {
    this.globals.push({ type: valueType, mutable });
    return this.importedGlobals + this.globals.length - 1;
  }

  exportGlobal(name: string, globalIndex: number): void {
    this.exports.push({ name, kind: ExternKind.global, index: globalIndex });
  }

  /** Declares a function of the given type; its body comes later through `define`. */
  declareFunction(typeIndex: number): number {
    this.funcTypes.push(typeIndex);
    this.bodies.push(null);
    return this.importedFuncs + this.funcTypes.length - 1;
  }

  define(funcIndex: number, body: FunctionBody): void {
    this.bodies[funcIndex - this.importedFuncs] = body;
  }

  exportFunction(name: string, funcIndex: number): void {
    this.exports.push({ name, kind: ExternKind.func, index: funcIndex });
  }

  /**
   * The module's bytes, and for each defined function the byte offset of its
   * first code byte (after the local declarations) in the module, which is
   * where WebAssembly stack traces count from.
   */
  encode(): { bytes: Uint8Array; codeOffsets: number[] } {
    const out = new ByteWriter(1024);
    out.bytes(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));

    const section = (id: number, fill: (w: ByteWriter) => void): void => {
      const w = new ByteWriter(256);
      fill(w);
      out.u8(id);
      out.uleb(w.length);
      out.bytes(w.view());
    };

    section(Section.type, (w) => {
      w.uleb(this.types.length);
      for (const t of this.types) {
        w.u8(0x60);
        w.uleb(t.params.length);
        for (const p of t.params) w.u8(p);
        w.uleb(t.results.length);
        for (const r of t.results) w.u8(r);
      }
    });
    if (this.imports.length > 0) {
      section(Section.import, (w) => {
        w.uleb(this.imports.length);
        for (const imp of this.imports) {
          w.name(imp.module);
          w.name(imp.name);
          w.u8(imp.kind);
          if (imp.kind === ExternKind.memory) {
            w.u8(0x00);
            w.uleb(imp.desc);
          } else if (imp.kind === ExternKind.global) {
            w.u8x2(imp.desc, imp.mutable ? 1 : 0);
          } else {
            w.uleb(imp.desc);
          }
        }
      });
    }
    section(Section.function, (w) => {
      w.uleb(this.funcTypes.length);
      for (const t of this.funcTypes) w.uleb(t);
    });
    if (this.globals.length > 0) {
      section(Section.global, (w) => {
        w.uleb(this.globals.length);
        for (const g of this.globals) {
          w.u8x2(g.type, g.mutable ? 1 : 0);
          w.u8x2(g.type === I64 ? Op.i64_const : Op.i32_const, 0);
          w.u8(Op.end);
        }
      });
    }
    if (this.exports.length > 0) {
      section(Section.export, (w) => {
        w.uleb(this.exports.length);
        for (const e of this.exports) {
          w.name(e.name);
          w.u8(e.kind);
          w.uleb(e.index);
        }
      });
    }

    // The code section is written in place so that body offsets are known.
    const bodies: Array<{ head: Uint8Array; code: Uint8Array }> = this.bodies.map((body, i) => {
      if (!body) throw new Error(`wasm module: function ${i + this.importedFuncs} declared but not defined`);
      const head = new ByteWriter(32);
      encodeLocals(head, body.locals);
      const sized = new ByteWriter(8);
      sized.uleb(head.length + body.code.length);
      const prefix = new ByteWriter(sized.length + head.length);
      prefix.bytes(sized.view());
      prefix.bytes(head.view());
      return { head: prefix.view(), code: body.code };
    });
    const count = new ByteWriter(8);
    count.uleb(bodies.length);
    const sectionSize = count.length + bodies.reduce((n, b) => n + b.head.length + b.code.length, 0);
    out.u8(Section.code);
    out.uleb(sectionSize);
    out.bytes(count.view());
    const codeOffsets: number[] = [];
    for (const b of bodies) {
      out.bytes(b.head);
      codeOffsets.push(out.length);
      out.bytes(b.code);
    }
    return { bytes: out.view().slice(), codeOffsets };
  }
}

/** Local declarations as runs of equal types. */
function encodeLocals(w: ByteWriter, locals: readonly number[]): void {
  const runs: Array<[number, number]> = [];
  for (const t of locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  w.uleb(runs.length);
  for (const [n, t] of runs) {
    w.uleb(n);
    w.u8(t);
  }
}
