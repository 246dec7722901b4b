// `express4` is an npm alias of Express 4, installed to run the same tests against both majors. Its API is
// what these tests use of `express`, so it borrows those types.
declare module "express4" {
  import express from "express";
  export default express;
}

// `express418` is Express 4.18, the oldest minor of the peer range `^4.18.0 || ^5.0.0`.
declare module "express418" {
  import express from "express";
  export default express;
}
