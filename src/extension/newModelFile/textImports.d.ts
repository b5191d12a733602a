// A file imported with `?text` and `with { type: 'text' }` is its text (esbuild's text loader).
declare module '*?text' {
  const text: string;
  export default text;
}
