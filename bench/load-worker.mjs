// Worker-thread entry for the benchmark's load generator: registers tsx so the TypeScript load
// generator (load.ts) can run in a worker, away from the app's event loop.
import { register } from 'tsx/esm/api';

register();
await import('./load.ts');
