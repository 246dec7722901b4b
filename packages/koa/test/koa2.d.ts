// `koa2` is an npm alias of Koa 2, installed to run the same tests against both majors. Its API is what
// these tests use of `koa`, so it borrows those types.
declare module "koa2" {
  import Koa = require("koa");
  export = Koa;
}
