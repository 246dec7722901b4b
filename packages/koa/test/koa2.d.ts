// `koa2` is an npm alias of Koa 2, installed to run the same tests against both majors. Its API is what
// these tests use of `koa`, so it borrows those types.
declare module "koa2" {
  import Koa = require("koa");
  export = Koa;
}

// `koa213` is Koa 2.13, the oldest minor of the peer range `^2.13.0 || ^3.0.0`.
declare module "koa213" {
  import Koa = require("koa");
  export = Koa;
}
