/** Entry of the chat window (frame.html). */
import './widget-app.js';
