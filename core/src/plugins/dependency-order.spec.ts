import { expect } from 'chai';
import { dependantsOf, orderByDependencies, type Node } from './dependency-order.js';

const node = (id: string, ...dependencies: string[]): Node => ({ id, dependencies });

describe('orderByDependencies', () => {
  it('keeps config order when nothing depends on anything', () => {
    const { order, problems } = orderByDependencies([node('c'), node('a'), node('b')]);
    expect(order).to.deep.equal(['c', 'a', 'b']);
    expect(problems).to.deep.equal([]);
  });

  it('puts each plugin after its dependencies, direct or not', () => {
    const { order } = orderByDependencies([
      node('top', 'middle'),
      node('solo'),
      node('middle', 'base'),
      node('base'),
    ]);
    expect(order).to.deep.equal(['base', 'middle', 'top', 'solo']);
  });

  it('lists a dependency shared by several plugins once, before all of them', () => {
    const { order } = orderByDependencies([
      node('app', 'left', 'right'),
      node('left', 'core'),
      node('right', 'core'),
      node('core'),
    ]);
    expect(order).to.deep.equal(['core', 'left', 'right', 'app']);
  });

  it('accepts a plugin without a dependencies field', () => {
    expect(orderByDependencies([{ id: 'bare' }]).order).to.deep.equal(['bare']);
  });

  it('reports an unknown dependency, naming the plugin, the dependency and the fix', () => {
    const { problems } = orderByDependencies([node('crm-sync', 'crm', 'audit'), node('audit')]);
    expect(problems).to.deep.equal([
      {
        plugin: 'crm-sync',
        message:
          'depends on "crm", which is not in the configured plugin list (unknown dependency).',
        fix: 'add "crm" to "plugins" in the config, or remove it from crm-sync\'s switchboard.dependencies.',
      },
    ]);
  });

  it('reports a cycle once, as a path, with the fix', () => {
    const { problems } = orderByDependencies([node('a', 'b'), node('b', 'c'), node('c', 'a')]);
    expect(problems).to.deep.equal([
      {
        plugin: 'a',
        message: 'dependency cycle: a → b → c → a.',
        fix: 'remove one of these dependencies so the plugins can load in order.',
      },
    ]);
  });

  it('reports a plugin that depends on itself', () => {
    const { problems } = orderByDependencies([node('narcissus', 'narcissus')]);
    expect(problems.map((p) => p.message)).to.deep.equal([
      'dependency cycle: narcissus → narcissus.',
    ]);
  });

  it('reports every separate cycle, and unknown dependencies alongside', () => {
    const { problems } = orderByDependencies([
      node('a', 'b'),
      node('b', 'a'),
      node('x', 'y'),
      node('y', 'x', 'ghost'),
    ]);
    expect(problems.map((p) => `${p.plugin}: ${p.message}`)).to.deep.equal([
      'y: depends on "ghost", which is not in the configured plugin list (unknown dependency).',
      'a: dependency cycle: a → b → a.',
      'x: dependency cycle: x → y → x.',
    ]);
  });
});

describe('dependantsOf', () => {
  const nodes = [
    node('base'),
    node('middle', 'base'),
    node('top', 'middle'),
    node('side', 'base'),
    node('solo'),
  ];

  it('finds every plugin that depends on one, directly or not', () => {
    expect(dependantsOf('base', nodes)).to.have.members(['middle', 'side', 'top']);
    expect(dependantsOf('middle', nodes)).to.deep.equal(['top']);
  });

  it('finds none for a plugin nothing depends on', () => {
    expect(dependantsOf('solo', nodes)).to.deep.equal([]);
    expect(dependantsOf('top', nodes)).to.deep.equal([]);
  });

  it('lists nearer dependants before farther ones', () => {
    const found = dependantsOf('base', nodes);
    expect(found.indexOf('middle')).to.be.lessThan(found.indexOf('top'));
  });
});
