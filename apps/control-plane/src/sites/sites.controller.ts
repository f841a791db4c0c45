import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiEmptyResponse,
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiZodParams,
  REVISION_ETAG_HEADER,
  RevisionETag,
  ZodValidationPipe,
  revisionFromIfMatch,
} from '../common';
import { SiteMonitor } from './site-monitor.service';
import { SiteRegistry, type SiteRecord, type WrittenSite } from './site-registry.service';
import {
  patchSiteBody,
  registerSiteBody,
  replaceSiteBody,
  siteIdParam,
  siteList,
  siteView,
  type SiteView,
  writtenSiteView,
  type WrittenSiteView,
} from './site.api';
import { siteIdSchema } from './site.schema';
import type { SiteStatus } from './site-status';

const ID_PARAM = ApiZodParams({ id: siteIdParam });

@ApiTags('sites')
@Controller('sites')
export class SitesController {
  constructor(
    private readonly registry: SiteRegistry,
    private readonly monitor: SiteMonitor,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a site: its description and kubeconfig; the cluster must answer' })
  @ApiJsonBody(registerSiteBody)
  @ApiJsonResponse(201, writtenSiteView, 'registered at revision 1', REVISION_ETAG_HEADER)
  @ApiErrors(400, 409, 503)
  @RevisionETag()
  async register(@Body() body: unknown): Promise<WrittenSiteView> {
    const record = await this.registry.register(body);
    return this.written(record, await this.monitor.check(record.site.id));
  }

  @Get()
  @ApiOperation({ summary: 'Every site with its health and capacity (never its kubeconfig)' })
  @ApiJsonResponse(200, siteList, 'every registered site')
  list(): { items: SiteView[] } {
    return { items: this.registry.list().map((record) => this.view(record)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One site: description, revision (also its ETag), health, nodes and capacity' })
  @ID_PARAM
  @ApiJsonResponse(200, siteView, 'the site', REVISION_ETAG_HEADER)
  @ApiErrors(400, 404)
  @RevisionETag()
  get(@Param('id', new ZodValidationPipe(siteIdSchema)) id: string): SiteView {
    return this.view(this.registry.get(id));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a site description; leave kubeconfig out to keep the stored one' })
  @ApiHeader({ name: 'If-Match', description: 'revision this update is based on', required: true })
  @ID_PARAM
  @ApiJsonBody(replaceSiteBody)
  @ApiJsonResponse(200, writtenSiteView, 'stored at a new revision', REVISION_ETAG_HEADER)
  @ApiErrors(400, 404, 409, 503)
  @RevisionETag()
  async replace(
    @Param('id', new ZodValidationPipe(siteIdSchema)) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<WrittenSiteView> {
    return this.written(await this.registry.replace(id, body, revisionFromIfMatch(ifMatch)));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of a site; a new kubeconfig is checked against its cluster' })
  @ApiHeader({ name: 'If-Match', description: 'revision this update is based on', required: true })
  @ID_PARAM
  @ApiJsonBody(patchSiteBody)
  @ApiJsonResponse(200, writtenSiteView, 'stored at a new revision', REVISION_ETAG_HEADER)
  @ApiErrors(400, 404, 409, 503)
  @RevisionETag()
  async patch(
    @Param('id', new ZodValidationPipe(siteIdSchema)) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<WrittenSiteView> {
    return this.written(await this.registry.patch(id, body, revisionFromIfMatch(ifMatch)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unregister a site (its kubeconfig is deleted with it)' })
  @ApiHeader({ name: 'If-Match', description: 'delete only if still at this revision', required: false })
  @ID_PARAM
  @ApiEmptyResponse(204, 'removed')
  @ApiErrors(400, 404, 409, 503)
  async remove(
    @Param('id', new ZodValidationPipe(siteIdSchema)) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.registry.remove(id, ifMatch === undefined ? undefined : revisionFromIfMatch(ifMatch));
  }

  /** Without a fresh probe (the kubeconfig was kept), the zone is checked against the last node inventory. */
  private written(record: WrittenSite, status?: SiteStatus): WrittenSiteView {
    const view = this.view(record, status);
    const warnings = record.warnings ?? this.registry.warnings(record.site, view.status.inventory ?? []);
    return { ...view, warnings };
  }

  private view(record: SiteRecord, status: SiteStatus = this.monitor.status(record.site.id)): SiteView {
    return {
      ...record.site,
      revision: record.revision,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      status,
    };
  }
}
