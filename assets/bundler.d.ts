/**
 * Browser code reaches jose through `require`, which esbuild resolves when it bundles the page
 * (lib/inspect/signature.ts loads it lazily so /inspect's cold start does not pay for it).
 */
declare function require(id: 'jose'): typeof import('jose');
