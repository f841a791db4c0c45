import { zoneMismatch } from './site-zone';

describe('zoneMismatch', () => {
  it('is silent when every labelled node is in the site zone, or no node says', () => {
    expect(
      zoneMismatch('north-3', 'north', [
        { name: 'a', labels: { 'polis.city/zone': 'north', 'topology.kubernetes.io/zone': 'eu-west-1a' } },
        { name: 'b', labels: { 'topology.kubernetes.io/zone': 'north' } },
        { name: 'c', labels: {} },
        { name: 'd' },
      ]),
    ).toBeUndefined();
  });

  it('names each node that disagrees and the label that says so; polis.city/zone wins', () => {
    const warning = zoneMismatch('north-3', 'north', [
      { name: 'a', labels: { 'polis.city/zone': 'south', 'topology.kubernetes.io/zone': 'north' } },
      { name: 'b', labels: { 'topology.kubernetes.io/zone': 'east' } },
      { name: 'c', labels: { 'polis.city/zone': 'north' } },
    ]);
    expect(warning).toEqual({
      code: 'zone-mismatch',
      message:
        'site "north-3" is registered in zone "north", but 2 of 3 nodes of its cluster are labelled with ' +
        'another zone: a (polis.city/zone=south), b (topology.kubernetes.io/zone=east)',
      nodes: [
        { name: 'a', label: 'polis.city/zone', zone: 'south' },
        { name: 'b', label: 'topology.kubernetes.io/zone', zone: 'east' },
      ],
    });
  });

  it('keeps the message short for a large cluster but lists every node', () => {
    const nodes = Array.from({ length: 8 }, (_, i) => ({
      name: `n${i}`,
      labels: { 'polis.city/zone': 'west' },
    }));
    const warning = zoneMismatch('s', 'north', nodes);
    expect(warning?.message).toMatch(
      /n0 \(polis\.city\/zone=west\), .*n4 \(polis\.city\/zone=west\) and 3 more$/,
    );
    expect(warning?.nodes).toHaveLength(8);
  });
});
