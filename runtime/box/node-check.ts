// Imported first by runtime/box/main.ts (`npm start`): ES modules run their imports in order, so this
// refuses an unsupported Node.js before any other module of the box is loaded or anything is started.
import { refuseUnsupportedNode } from '../../bin/node-support.mjs';

refuseUnsupportedNode();
