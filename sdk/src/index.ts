import 'reflect-metadata';

export * from './clock.js';
export * from './database.js';
export * from './disposable.js';
export * from './domain.js';
export * from './errors.js';
export * from './events.js';
export * from './hooks.js';
export * from './http.js';
export * from './logger.js';
export * from './manifest.js';
export * from './plugin.js';
export * from './permissions.js';
export * from './principal.js';
export * from './protocol.js';
export * from './services.js';
export * from './settings.js';
export * from './tokens.js';
export * from './ui.js';
export * from './virtual-clock.js';
export { ContainerModule, inject, injectable, optional } from 'inversify';
export type { Container } from 'inversify';

/** The kernel API version plugins declare in `engines.switchboard`. @public */
export const KERNEL_API_VERSION = '1.0.0';
