/** Made by scripts/build.js: lib/token-client bundled as an ES module, and its ETag. */
declare module 'virtual:token-client' {
  const script: { code: string; etag: string };
  export default script;
}
