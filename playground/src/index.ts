// The index page: links to the pages, and the backend line.
import { showBackend } from './lib/footer.js';

showBackend();
