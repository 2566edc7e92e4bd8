// V8 flags for every Node.js process `npm start` runs (the gateway, each function, the connector,
// object storage). Node 24's V8 lets a busy process grow its young generation to 128 MB of new space
// (Node 20's stopped at 32 MB): measured with process reports on the gateway under
// tests/faults/load.test.ts, new space 128 MB of a 195-228 MB heap, the old space back to 24-36 MB
// after collections. Twenty such processes on one small machine cannot each keep that; 16 MB
// semi-spaces (32 MB of new space, reported so with the flag) are what Node 20 ran with. It does not
// make the gateway flat within the load test's 45 s hold: it still grew 36-38 MB there on Node 24.
export const childNodeFlags: readonly string[] = ['--max-semi-space-size=16'];
