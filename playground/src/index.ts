// The index page: links to the pages, and the backend line, with the WebAssembly kernels
// loaded as the Train and Draw pages load them.
import { showBackend } from './lib/footer.js';

void showBackend({ threads: 1 }); // this page computes too little for worker threads to pay
