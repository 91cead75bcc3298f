/** The agent console's entry: defines `<sb-console-app>` (index.html mounts it). */
import './styles/page.css';
import './app/console-app.js';
