/** Vite's `?raw` import (tests only): a file's text. */
declare module "*?raw" {
  const text: string;
  export default text;
}
