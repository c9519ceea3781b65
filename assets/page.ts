/**
 * Entry of the browser page (index.html), bundled by scripts/build.js into dist/assets/page.js
 * with the token inspector (lib/inspect) it runs locally.
 */
import { startPage } from './page/app';

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startPage);
else startPage();
