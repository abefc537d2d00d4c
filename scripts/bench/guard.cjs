// Preloaded (node --require) into every process the bench starts: when the bench goes away
// for any reason (also SIGKILL) this process is handed to another parent, and then it stops
// too: SIGTERM first, to stop cleanly, then exit.
'use strict';
const parent = process.ppid;
setInterval(() => {
  if (process.ppid === parent) return;
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(0), 3000).unref();
}, 500).unref();
