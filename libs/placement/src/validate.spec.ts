import { plan, PlacementInputError, validatePlanInput, type PlanInput } from './index';
import { deployment, node, site } from './testing/builders';

function issuesOf(input: unknown): readonly string[] {
  try {
    validatePlanInput(input as PlanInput);
  } catch (error) {
    if (error instanceof PlacementInputError) return error.issues;
    throw error;
  }
  return [];
}

describe('validatePlanInput', () => {
  it('accepts a well-formed input', () => {
    expect(issuesOf({ inventory: { sites: [site('traffic-01')] }, deployments: [deployment('d')] })).toEqual(
      [],
    );
  });

  it('rejects a missing inventory or deployment list', () => {
    expect(issuesOf({ deployments: [] })).toEqual(['inventory.sites must be an array']);
    expect(issuesOf({ inventory: { sites: [] } })).toEqual(['deployments must be an array']);
  });

  it('lists every problem with its path', () => {
    const issues = issuesOf({
      inventory: {
        sites: [
          site('a', { nodes: [node('n', { cpu: -1 }), node('n')] }),
          site('a', { kind: 'airport' as never, rttToCentralMs: Number.NaN }),
        ],
      },
      deployments: [
        deployment('d', { replicasPerSite: 1.5, policy: 'anywhere' as never, latencySloMs: 0 }),
        deployment('d', {
          tolerations: [
            { operator: 'Equal', value: 'x' },
            { key: 'k', operator: 'Exists', value: 'v' },
          ],
        }),
      ],
    });
    expect(issues).toEqual([
      'inventory.sites[0].nodes[0].allocatable.cpuMillicores must be a finite number >= 0',
      'inventory.sites[0].nodes[1].name duplicates node n',
      'inventory.sites[1].kind must be one of traffic, energy, safety, central',
      'inventory.sites[1].rttToCentralMs must be a finite number >= 0',
      'inventory.sites[1].id duplicates site a',
      'deployments[0].replicasPerSite must be an integer >= 0',
      'deployments[0].latencySloMs must be a finite number > 0',
      'deployments[0].policy must be one of edge-only, edge-preferred, central',
      'deployments[1].tolerations[0].key is required by Equal',
      'deployments[1].tolerations[1].value must be omitted with Exists',
      'deployments[1].id duplicates deployment d',
    ]);
  });

  it('makes plan() throw a PlacementInputError whose message names the problem', () => {
    const bad = { inventory: { sites: [site('a', { health: 'on-fire' as never })] }, deployments: [] };
    expect(() => plan(bad)).toThrow(PlacementInputError);
    expect(() => plan(bad)).toThrow(
      'inventory.sites[0].health must be one of healthy, degraded, unreachable',
    );
  });
});
