// `express4` is an npm alias of Express 4, so the same runs cover both majors. What the hosts use of it is
// the API Express 5 shares, so it borrows Express 5's types.
declare module "express4" {
  import express from "express";
  export default express;
}
