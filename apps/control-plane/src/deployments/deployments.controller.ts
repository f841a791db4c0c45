import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { concat, from, map, type Observable } from 'rxjs';
import { z } from 'zod';
import {
  ApiEmptyResponse,
  ApiErrors,
  ApiEventStreamResponse,
  ApiJsonBody,
  ApiJsonResponse,
  ApiZodParams,
  ApiZodQuery,
  PolisError,
  REVISION_ETAG_HEADER,
  RevisionETag,
  ZodValidationPipe,
  parseInput,
  revisionFromIfMatch,
} from '../common';
import {
  createDeploymentBody,
  deploymentList,
  deploymentStatusSchema,
  deploymentView,
  replaceDeploymentBody,
  rolloutStateSchema,
  type DeploymentView,
} from './deployment.api';
import { DeploymentEvents } from './deployment-events';
import {
  createDeploymentSchema,
  deploymentIdSchema,
  replaceDeploymentSchema,
  type DeploymentRecord,
  type DeploymentSpecBody,
} from './deployment.schema';
import { DesiredStateStore } from './desired-state.store';
import { ModelCatalog } from './model-catalog';
import { StatusBoard, type DeploymentStatusView } from './status-board';
import { RolloutController } from './rollout-controller.service';
import type { RolloutState } from './rollout';

const ID = new ZodValidationPipe(deploymentIdSchema);
const ID_PARAM = ApiZodParams({ id: deploymentIdSchema });
const eventsQuerySchema = z
  .object({
    since: z.coerce.number().int().min(0).optional().describe('replay the kept events after this seq first'),
  })
  .strict();

@ApiTags('deployments')
@Controller('deployments')
export class DeploymentsController {
  constructor(
    private readonly store: DesiredStateStore,
    private readonly board: StatusBoard,
    private readonly rollouts: RolloutController,
    private readonly events: DeploymentEvents,
    private readonly models: ModelCatalog,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Deploy a model version to the sites its targets select' })
  @ApiJsonBody(createDeploymentBody)
  @ApiJsonResponse(201, deploymentView, 'stored at revision 1', REVISION_ETAG_HEADER)
  @ApiErrors(400, 409, 503)
  @RevisionETag()
  async create(@Body() body: unknown): Promise<DeploymentView> {
    const spec = parseInput(createDeploymentSchema, body);
    await this.requireModel(spec);
    return this.view(await this.store.create(spec));
  }

  @Get()
  @ApiOperation({ summary: 'Every deployment with its overall state' })
  @ApiJsonResponse(200, deploymentList, 'every deployment')
  list(): { items: DeploymentView[] } {
    return { items: this.store.list().map((record) => this.view(record)) };
  }

  @Sse('events')
  @ApiOperation({ summary: 'Server-sent deployment events: changes, plans, status and rollouts' })
  @ApiZodQuery(eventsQuerySchema)
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'same as since, sent on reconnect' })
  @ApiEventStreamResponse('an event stream: `id` is the seq, `event` the type, `data` the event as JSON')
  @ApiErrors(400)
  stream(
    @Query(new ZodValidationPipe(eventsQuerySchema)) query: z.infer<typeof eventsQuerySchema>,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Observable<MessageEvent> {
    const resumeFrom = Number(lastEventId);
    const since = query.since ?? (Number.isSafeInteger(resumeFrom) ? resumeFrom : undefined);
    // The replay and the subscription happen in the same tick: no event can fall between them.
    const replay = since === undefined ? [] : this.events.since(since);
    return concat(from(replay), this.events.events$).pipe(
      map((event): MessageEvent => ({ id: String(event.seq), type: event.type, data: event })),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One deployment: its desired state and revision (also its ETag)' })
  @ID_PARAM
  @ApiJsonResponse(200, deploymentView, 'the deployment', REVISION_ETAG_HEADER)
  @ApiErrors(400, 404)
  @RevisionETag()
  get(@Param('id', ID) id: string): DeploymentView {
    return this.view(this.store.get(id));
  }

  @Get(':id/status')
  @ApiOperation({ summary: 'State per target site and overall, where each replica runs, and the rollout' })
  @ID_PARAM
  @ApiJsonResponse(200, deploymentStatusSchema, 'the status of the current revision')
  @ApiErrors(400, 404)
  status(@Param('id', ID) id: string): DeploymentStatusView & { rollout?: RolloutState } {
    const record = this.store.get(id);
    return { ...this.board.view(record), rollout: this.rollouts.state(id) };
  }

  @Put(':id')
  @ApiHeader({ name: 'If-Match', description: 'revision this update is based on', required: true })
  @ApiOperation({ summary: 'Replace a deployment (a new version starts a rollout)' })
  @ID_PARAM
  @ApiJsonBody(replaceDeploymentBody)
  @ApiJsonResponse(200, deploymentView, 'stored at a new revision', REVISION_ETAG_HEADER)
  @ApiErrors(400, 404, 409, 503)
  @RevisionETag()
  async replace(
    @Param('id', ID) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<DeploymentView> {
    const revision = revisionFromIfMatch(ifMatch);
    const { id: bodyId, ...fields } = parseInput(replaceDeploymentSchema, body);
    if (bodyId !== undefined && bodyId !== id)
      throw new PolisError('invalid-input', `body names deployment "${bodyId}", path names "${id}"`);
    const spec: DeploymentSpecBody = { id, ...fields };
    await this.requireModel(spec);
    return this.view(await this.store.replace(spec, revision));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiHeader({ name: 'If-Match', description: 'delete only if still at this revision', required: false })
  @ApiOperation({ summary: 'Remove a deployment: its workloads are pruned from every reachable site' })
  @ID_PARAM
  @ApiEmptyResponse(204, 'removed')
  @ApiErrors(400, 404, 409, 503)
  async remove(@Param('id', ID) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.store.remove(id, ifMatch === undefined ? undefined : revisionFromIfMatch(ifMatch));
  }

  @Post(':id/rollout/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a rollout where it is' })
  @ID_PARAM
  @ApiJsonResponse(200, rolloutStateSchema, 'the rollout after the command')
  @ApiErrors(400, 404, 409)
  pause(@Param('id', ID) id: string): RolloutState {
    return this.command(id, () => this.rollouts.pause(id));
  }

  @Post(':id/rollout/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused rollout, or retry a failed one from where it stopped' })
  @ID_PARAM
  @ApiJsonResponse(200, rolloutStateSchema, 'the rollout after the command')
  @ApiErrors(400, 404, 409)
  resume(@Param('id', ID) id: string): RolloutState {
    return this.command(id, () => this.rollouts.resume(id));
  }

  @Post(':id/rollout/rollback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put every site back on the version the rollout started from' })
  @ID_PARAM
  @ApiJsonResponse(200, rolloutStateSchema, 'the rollout after the command')
  @ApiErrors(400, 404, 409)
  rollback(@Param('id', ID) id: string): RolloutState {
    return this.command(id, () => this.rollouts.rollback(id));
  }

  private command(id: string, run: () => RolloutState): RolloutState {
    this.store.get(id);
    return run();
  }

  /** A deployment must name a published version: checked before anything is stored. */
  private async requireModel({ model }: DeploymentSpecBody): Promise<void> {
    if (!(await this.models.exists(model.name, model.version)))
      throw new PolisError('invalid-input', `model "${model.name}" has no version ${model.version}`, {
        problem: 'unknown-model',
      });
  }

  private view(record: DeploymentRecord): DeploymentView {
    const status = this.board.view(record);
    return {
      ...record.spec,
      revision: record.revision,
      history: record.history,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      status: { state: status.state, reason: status.reason },
    };
  }
}
