import { instrument as _instrument } from "autometrics-runtime";
var _am = _instrument("add", "entry.mjs");
var _am2 = _instrument("scoped", "entry.mjs");
var _am3 = _instrument("load", "entry.mjs");
var _am4 = _instrument("later", "entry.mjs");
var _am5 = _instrument("Api.get", "entry.mjs");
function add(a, b) {
  var _c = (_am || (_am = _instrument("add", "entry.mjs"))).enter(),
    _r;
  try {
    return _r = a + b;
  } catch (_e) {
    _c = ~_c;
    throw _e;
  } finally {
    _am.exit(_c, _r);
  }
}
const scoped = x => {
  var _c = (_am2 || (_am2 = _instrument("scoped", "entry.mjs"))).enterScoped(),
    _r;
  try {
    return _r = Promise.resolve(x).then(v => v * 2);
  } catch (_e) {
    _c = ~_c;
    throw _e;
  } finally {
    _am2.exit(_c, _r);
  }
};
async function load(x) {
  var _c = (_am3 || (_am3 = _instrument("load", "entry.mjs"))).start(),
    _r;
  try {
    const v = _c.resume(await _c.pause(scoped(x)));
    try {
      _c.resume(await _c.pause(Promise.reject(new Error("no"))));
    } catch {
      _c.resume();
      return _r = add(v, 1);
    }
  } catch (_e) {
    _c.failed = true;
    throw _e;
  } finally {
    _c.end(_r);
  }
}
async function* gen() {
  yield 1;
}
async function later(it) {
  var _c = (_am4 || (_am4 = _instrument("later", "entry.mjs"))).begin();
  try {
    return _am4.end(_c, await _am4.scope(async () => {
      for await (const v of it) return v;
    }));
  } catch (_e) {
    throw _am4.fail(_c, _e);
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