import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Logger,
  Param,
  Post,
  Put,
  Req,
  Res,
  StreamableFile,
  UseFilters,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SEMVER_PATTERN, TOKEN_PATTERN } from '@polis/contracts';
import {
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiZodParams,
  PolisError,
  ZodValidationPipe,
} from '../common';
import { APP_CONFIG, type AppConfig } from '../config';
import { deprecationBody, modelList, modelVersion, modelVersionList } from './model.api';
import { summarizeVersions } from './model-listing';
import { ModelPublisher } from './model-publisher';
import { ModelRegistry } from './model-registry';
import { ModelsExceptionFilter } from './models-exception.filter';
import { METADATA_HEADER, SAMPLE_HEADER, parseMetadataHeader, parseSampleHeader } from './upload-headers';
import { MODEL_CONTENT_TYPE, checkUploadPreconditions } from './upload-preconditions';

const nameSchema = z.string().regex(TOKEN_PATTERN, `name must match ${TOKEN_PATTERN.source}`);
const versionSchema = z
  .string()
  .max(64, 'version must be at most 64 characters')
  .regex(SEMVER_PATTERN, 'version must be a semantic version such as 1.2.0 (without build metadata)');
const deprecationSchema = deprecationBody;

const NAME = new ZodValidationPipe(nameSchema);
const VERSION = new ZodValidationPipe(versionSchema);
const NAME_PARAM = ApiZodParams({ name: nameSchema.describe('model name') });
const VERSION_PARAMS = ApiZodParams({
  name: nameSchema.describe('model name'),
  version: versionSchema.describe('semantic version, e.g. 1.2.0'),
});

@ApiTags('models')
@Controller('models')
@UseFilters(ModelsExceptionFilter)
export class ModelsController {
  private readonly logger = new Logger(ModelsController.name);

  constructor(
    private readonly registry: ModelRegistry,
    private readonly publisher: ModelPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every model with its latest (non-deprecated) version' })
  @ApiJsonResponse(200, modelList, 'every model, by name')
  @ApiErrors(503)
  async list() {
    return { items: await this.registry.list() };
  }

  @Get(':name')
  @ApiOperation({ summary: 'The versions of one model, newest first; deprecated ones are flagged' })
  @NAME_PARAM
  @ApiJsonResponse(200, modelVersionList, 'the versions, newest first')
  @ApiErrors(400, 404, 503)
  async versions(@Param('name', NAME) name: string) {
    const records = await this.registry.versions(name);
    if (records.length === 0) throw new PolisError('not-found', `model "${name}" has no versions`);
    return { name, items: summarizeVersions(records) };
  }

  @Put(':name/versions/:version')
  @ApiOperation({
    summary: 'Publish a version: the ONNX file as the raw body, validated in onnxruntime before it is stored',
  })
  @ApiConsumes(MODEL_CONTENT_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @VERSION_PARAMS
  @ApiHeader({
    name: METADATA_HEADER,
    required: true,
    description: 'model metadata (the ModelMetadata schema): JSON or base64url JSON',
  })
  @ApiHeader({
    name: SAMPLE_HEADER,
    required: false,
    description: 'smoke-test input: JSON or base64url JSON',
  })
  @ApiJsonResponse(201, modelVersion, 'published; Location names the version')
  @ApiJsonResponse(200, modelVersion, 'this exact version was already published (idempotent)')
  @ApiErrors(400, 409, 413, 415, 422, 503)
  async publish(
    @Param('name', NAME) name: string,
    @Param('version', VERSION) version: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const metadata = parseMetadataHeader(request.header(METADATA_HEADER));
    const sample = parseSampleHeader(request.header(SAMPLE_HEADER));
    checkUploadPreconditions(request, this.config.models.maxBytes);
    const { record, created } = await this.publisher.publish({
      name,
      version,
      metadata,
      sample,
      body: request,
    });
    response.status(created ? 201 : 200);
    if (created) response.setHeader('Location', `/api/v1/models/${name}/versions/${version}`);
    return record;
  }

  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'One version: metadata, what inspection found, the smoke test, deprecation' })
  @VERSION_PARAMS
  @ApiJsonResponse(200, modelVersion, 'the version record')
  @ApiErrors(400, 404, 503)
  async get(@Param('name', NAME) name: string, @Param('version', VERSION) version: string) {
    return this.registry.get(name, version);
  }

  @Get(':name/versions/:version/download')
  @ApiOperation({ summary: 'The ONNX bytes, streamed from the object store; ETag is the SHA-256' })
  @VERSION_PARAMS
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'the SHA-256 ETag already held' })
  @ApiResponse({
    status: 200,
    description: 'the ONNX file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    headers: { ETag: { description: 'the SHA-256 of the file, quoted', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'not modified: If-None-Match holds this SHA-256' })
  @ApiErrors(400, 404, 503)
  async download(
    @Param('name', NAME) name: string,
    @Param('version', VERSION) version: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | undefined> {
    const record = await this.registry.get(name, version);
    const etag = `"${record.sha256}"`;
    response.setHeader('ETag', etag);
    if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      response.status(304);
      return undefined;
    }
    const artifact = await this.registry.openArtifact(record.sha256);
    const file = new StreamableFile(artifact.stream, {
      type: 'application/octet-stream',
      length: artifact.sizeBytes,
      disposition: `attachment; filename="${name}-${version}.onnx"`,
    });
    // Headers are gone by the time a broken stream is noticed: cut the connection so the client sees a
    // truncated body rather than a short file that looks complete.
    file.setErrorHandler((_error, res) => (res as Response).destroy());
    return file;
  }

  @Post(':name/versions/:version/deprecate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deprecate a version (it stays downloadable); deprecating again keeps the first' })
  @VERSION_PARAMS
  @ApiJsonBody(deprecationBody)
  @ApiJsonResponse(200, modelVersion, 'the version record, deprecated')
  @ApiErrors(400, 404, 409, 503)
  async deprecate(
    @Param('name', NAME) name: string,
    @Param('version', VERSION) version: string,
    @Body(new ZodValidationPipe(deprecationSchema)) body: z.infer<typeof deprecationSchema>,
  ) {
    return this.registry.deprecate(name, version, body.reason);
  }

  @Delete(':name/versions/:version/quarantine')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Clear the runtime-failure mark of a version, so it can be the latest again',
    description:
      'A rollout that rolls a version back on its SLO quarantines it (with the deployment, site and reason). ' +
      'Answers the record without the mark; idempotent.',
  })
  @VERSION_PARAMS
  @ApiJsonResponse(200, modelVersion, 'the version record, without `quarantined`')
  @ApiErrors(400, 404, 409, 503)
  async clearQuarantine(@Param('name', NAME) name: string, @Param('version', VERSION) version: string) {
    const record = await this.registry.clearQuarantine(name, version);
    this.logger.log({ event: 'model-quarantine-cleared', model: name, version });
    return record;
  }
}
