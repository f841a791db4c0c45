import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TOKEN_PATTERN, sensorKindSchema } from '@polis/contracts';
import {
  ApiEmptyResponse,
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiZodParams,
  REVISION_ETAG_HEADER,
  RevisionETag,
  ZodValidationPipe,
  apiSchema,
  revisionFromIfMatch,
} from '../common';
import { SensorKindRegistry, type StoredSensorKind } from './sensor-kind.registry';

const nameSchema = z.string().regex(TOKEN_PATTERN, `sensor kind names match ${TOKEN_PATTERN.source}`);
const NAME_PARAM = ApiZodParams({ name: nameSchema.describe('sensor kind name') });

const sensorKindBody = apiSchema('SensorKindSpec', sensorKindSchema);
const storedSensorKind = apiSchema(
  'SensorKind',
  z.object({
    kind: sensorKindBody,
    revision: z.number().int().min(1).describe('KV revision: the ETag, and what If-Match takes'),
    builtin: z.boolean().describe('built-in kinds can be changed but not removed'),
  }),
);
const sensorKindList = apiSchema('SensorKindList', z.object({ items: z.array(storedSensorKind) }));

@ApiTags('sensor-kinds')
@Controller('sensor-kinds')
export class SensorKindsController {
  constructor(private readonly registry: SensorKindRegistry) {}

  @Get()
  @ApiOperation({ summary: 'The sensor-kind registry: fields with unit and valid range' })
  @ApiJsonResponse(200, sensorKindList, 'every sensor kind, by name')
  list(): { items: StoredSensorKind[] } {
    return { items: this.registry.list() };
  }

  @Get(':name')
  @ApiOperation({ summary: 'One sensor kind with its revision (also its ETag)' })
  @NAME_PARAM
  @ApiJsonResponse(200, storedSensorKind, 'the sensor kind', REVISION_ETAG_HEADER)
  @ApiErrors(400, 404)
  @RevisionETag()
  get(@Param('name', new ZodValidationPipe(nameSchema)) name: string): StoredSensorKind {
    return this.registry.describe(name);
  }

  @Post()
  @ApiOperation({ summary: 'Register a new sensor kind; ingest accepts it at once, no code change' })
  @ApiJsonBody(sensorKindBody)
  @ApiJsonResponse(201, storedSensorKind, 'registered', REVISION_ETAG_HEADER)
  @ApiErrors(400, 409, 503)
  @RevisionETag()
  create(@Body() body: unknown): Promise<StoredSensorKind> {
    return this.registry.create(body);
  }

  @Put(':name')
  @ApiOperation({ summary: 'Replace a sensor kind (the body names it again)' })
  @ApiHeader({ name: 'If-Match', description: 'revision this update is based on', required: true })
  @NAME_PARAM
  @ApiJsonBody(sensorKindBody)
  @ApiJsonResponse(200, storedSensorKind, 'stored at a new revision', REVISION_ETAG_HEADER)
  @ApiErrors(400, 404, 409, 503)
  @RevisionETag()
  update(
    @Param('name', new ZodValidationPipe(nameSchema)) name: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<StoredSensorKind> {
    return this.registry.update(name, body, revisionFromIfMatch(ifMatch));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a sensor kind (built-in kinds cannot be removed)' })
  @NAME_PARAM
  @ApiEmptyResponse(204, 'removed')
  @ApiErrors(400, 403, 404, 503)
  async remove(@Param('name', new ZodValidationPipe(nameSchema)) name: string): Promise<void> {
    await this.registry.remove(name);
  }
}
