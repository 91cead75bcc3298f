import { expect } from 'chai';
import { endpoints } from './endpoints.js';

describe('endpoints', () => {
  it('derives the WebSocket URL from the server URL', () => {
    expect(endpoints('http://localhost:8080')).to.deep.equal({
      http: 'http://localhost:8080',
      ws: 'ws://localhost:8080/api/v1/ws',
    });
    expect(endpoints('https://chat.example.com/')).to.deep.equal({
      http: 'https://chat.example.com',
      ws: 'wss://chat.example.com/api/v1/ws',
    });
  });

  it('accepts the WebSocket URL itself', () => {
    expect(endpoints('wss://chat.example.com/api/v1/ws')).to.deep.equal({
      http: 'https://chat.example.com',
      ws: 'wss://chat.example.com/api/v1/ws',
    });
  });

  it('refuses a relative URL with a message that says what to pass', () => {
    expect(() => endpoints('/chat')).to.throw(TypeError, /absolute http\(s\) or ws\(s\) URL/);
  });
});
