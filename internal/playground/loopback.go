package playground

// loopbackScript is preloaded into the Playground's node process. The
// Playground listens on every interface and has no option to choose one;
// its connector and UI accept anyone unauthenticated, so the demo keeps
// them on 127.0.0.1 by giving listen(port) a host.
const loopbackScript = `'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
`
