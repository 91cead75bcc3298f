import { fileURLToPath } from 'node:url';
import type { Kernel, PluginInfo } from '@switchboard/core';
import {
  createTestKernel,
  type TestKernel,
  type TestKernelOptions,
} from '@switchboard/sdk/testing';

/** Absolute folder of a fixture plugin package in core/test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/**
 * Boots a test kernel with the named fixture plugins, on the database `SWITCHBOARD_TEST_DB`
 * picks (in-memory sqlite by default, a fresh PostgreSQL schema with `postgres`).
 */
export function bootKernel(
  fixtures: readonly string[],
  options: Omit<TestKernelOptions, 'plugins'> = {},
): Promise<TestKernel> {
  return createTestKernel({ ...options, plugins: fixtures.map(fixture) });
}

/** The kernel object behind a test kernel: the call side of the hooks, the event bus. */
export function kernelOf(tk: TestKernel): Kernel {
  return tk.kernel as Kernel;
}

/** The database this run is meant to use. */
export const expectedDialect: 'sqlite' | 'postgres' =
  process.env.SWITCHBOARD_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/** `GET /api/v1/plugins/:id`, as the administrator sees it. */
export async function pluginInfo(tk: TestKernel, id: string): Promise<PluginInfo> {
  const res = await tk.request<PluginInfo>('GET', `/api/v1/plugins/${id}`);
  if (res.status !== 200)
    throw new Error(`GET plugin ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** `PUT /api/v1/plugins/:id/state`; resolves with the plugin's info after the change. */
export async function setEnabled(
  tk: TestKernel,
  id: string,
  enabled: boolean,
): Promise<PluginInfo> {
  const res = await tk.request<PluginInfo>('PUT', `/api/v1/plugins/${id}/state`, { enabled });
  if (res.status !== 200)
    throw new Error(`PUT state of ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls `check` on real time until it holds; for work the kernel finishes in the background. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
