export type { DisasmOptions, LlvmDecoded } from './decoded.js';
export { decodeLlvm } from './decode-llvm.js';
export { disassemble, disassembleProgram, decodeAt, UNKNOWN_TEXT } from './disassemble.js';
export type { ListingOptions, ListingRelocation, ListingSection, ListingSymbol } from './listing-types.js';
export { listSection } from './listing.js';
export type { ObjectLike, ObjectListingOptions } from './object-listing.js';
export { listObject, listRaw, DisasmInputError } from './object-listing.js';
