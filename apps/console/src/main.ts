/** The agent console's entry: defines `<sb-console-app>` (index.html mounts it). */
import './app/console-app.js';
