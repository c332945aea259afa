import { instrument as _instrument } from "autometrics-runtime";
var _am = _instrument("add", "entry.mjs");
var _am2 = _instrument("scoped", "entry.mjs");
var _am3 = _instrument("load", "entry.mjs");
var _am4 = _instrument("later", "entry.mjs");
var _am5 = _instrument("Api.get", "entry.mjs");
function add(a, b) {
  var _c5 = (_am || (_am = _instrument("add", "entry.mjs"))).enter(),
    _r4;
  try {
    return _r4 = a + b;
  } catch (_e5) {
    _c5 = ~_c5;
    throw _e5;
  } finally {
    _am.exit(_c5, _r4);
  }
}
const scoped = x => {
  var _c4 = (_am2 || (_am2 = _instrument("scoped", "entry.mjs"))).enterScoped(),
    _r3;
  try {
    return _r3 = Promise.resolve(x).then(v => v * 2);
  } catch (_e4) {
    _c4 = ~_c4;
    throw _e4;
  } finally {
    _am2.exit(_c4, _r3);
  }
};
async function load(x) {
  var _c3 = (_am3 || (_am3 = _instrument("load", "entry.mjs"))).start(),
    _r2;
  try {
    const v = _c3.resume(await _c3.pause(scoped(x)));
    try {
      _c3.resume(await _c3.pause(Promise.reject(new Error("no"))));
    } catch {
      _c3.resume();
      return _r2 = add(v, 1);
    }
  } catch (_e3) {
    _c3.failed = true;
    throw _e3;
  } finally {
    _c3.end(_r2);
  }
}
async function* gen() {
  yield 1;
}
async function later(it) {
  var _c2 = (_am4 || (_am4 = _instrument("later", "entry.mjs"))).begin();
  try {
    return _am4.end(_c2, await _am4.scope(async () => {
      for await (const v of it) return v;
    }));
  } catch (_e2) {
    throw _am4.fail(_c2, _e2);
  }
}
class Api {
  get(x) {
    var _c = (_am5 || (_am5 = _instrument("Api.get", "entry.mjs"))).enter(),
      _r;
    try {
      return _r = add(x, x);
    } catch (_e) {
      _c = ~_c;
      throw _e;
    } finally {
      _am5.exit(_c, _r);
    }
  }
}
later(gen()).then(async g => console.log(add(1, 2), await load(3), new Api().get(4), g));