import { expect } from 'chai';
import { DisposableCollection, toDisposable } from './disposable.js';

describe('toDisposable', () => {
  it('runs its function once, however often it is disposed', () => {
    let runs = 0;
    const disposable = toDisposable(() => runs++);
    disposable.dispose();
    disposable.dispose();
    expect(runs).to.equal(1);
  });
});

describe('DisposableCollection', () => {
  const recorder = () => {
    const order: string[] = [];
    const item = (name: string) => toDisposable(() => order.push(name));
    return { order, item };
  };

  it('disposes its elements in reverse order of registration', () => {
    const { order, item } = recorder();
    const collection = new DisposableCollection();
    for (const name of ['tap', 'route', 'timer']) collection.add(item(name));
    expect(collection.size).to.equal(3);
    collection.dispose();
    expect(order).to.deep.equal(['timer', 'route', 'tap']);
    expect(collection.disposed).to.equal(true);
    expect(collection.size).to.equal(0);
  });

  it('disposes every other element when one throws, and reports the error', () => {
    const { order, item } = recorder();
    const errors: unknown[] = [];
    const collection = new DisposableCollection((error) => errors.push(error));
    collection.add(item('first'));
    collection.add(
      toDisposable(() => {
        throw new Error('cannot close');
      }),
    );
    collection.add(item('last'));
    collection.dispose();
    expect(order).to.deep.equal(['last', 'first']);
    expect(errors).to.have.length(1);
    expect((errors[0] as Error).message).to.equal('cannot close');
  });

  it('disposes an element added after it was disposed at once, and says so', () => {
    const { order, item } = recorder();
    let lateAdds = 0;
    const collection = new DisposableCollection(undefined, () => lateAdds++);
    collection.dispose();
    const handle = collection.add(item('late'));
    expect(order).to.deep.equal(['late']);
    expect(lateAdds).to.equal(1);
    expect(collection.size).to.equal(0);
    handle.dispose();
    expect(order).to.deep.equal(['late']);
  });

  it('reports an element that throws when added late', () => {
    const errors: unknown[] = [];
    const collection = new DisposableCollection((error) => errors.push(error));
    collection.dispose();
    collection.add(
      toDisposable(() => {
        throw new Error('late and broken');
      }),
    );
    expect(errors).to.have.length(1);
  });

  it('removes and disposes just one element through the handle add returned', () => {
    const { order, item } = recorder();
    const collection = new DisposableCollection();
    collection.add(item('kept'));
    const handle = collection.add(item('removed'));
    handle.dispose();
    expect(order).to.deep.equal(['removed']);
    expect(collection.size).to.equal(1);
    collection.dispose();
    expect(order).to.deep.equal(['removed', 'kept']);
  });

  it('is safe to dispose twice', () => {
    const { order, item } = recorder();
    const collection = new DisposableCollection();
    collection.add(item('once'));
    collection.dispose();
    collection.dispose();
    expect(order).to.deep.equal(['once']);
  });

  it('disposes at once what an element registers while the collection is being disposed', () => {
    const { order, item } = recorder();
    let lateAdds = 0;
    const collection = new DisposableCollection(undefined, () => lateAdds++);
    collection.add(toDisposable(() => collection.add(item('registered while stopping'))));
    collection.dispose();
    expect(order).to.deep.equal(['registered while stopping']);
    expect(lateAdds).to.equal(1);
  });
});
