import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe, revisionFromIfMatch } from '../common';
import { SiteMonitor } from './site-monitor.service';
import { SiteRegistry, type SiteRecord, type WrittenSite } from './site-registry.service';
import { siteIdSchema } from './site.schema';
import type { SiteStatus } from './site-status';
import type { SiteWarning } from './site-zone';

type SiteView = SiteRecord['site'] & Omit<SiteRecord, 'site'> & { status: SiteStatus };
/** A write's answer also says what looked wrong about the site's cluster (e.g. its nodes' zones). */
type WrittenSiteView = SiteView & { warnings: SiteWarning[] };

@ApiTags('sites')
@Controller('sites')
export class SitesController {
  constructor(
    private readonly registry: SiteRegistry,
    private readonly monitor: SiteMonitor,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a site: its description and kubeconfig; the cluster must answer' })
  async register(@Body() body: unknown): Promise<WrittenSiteView> {
    const record = await this.registry.register(body);
    return this.written(record, await this.monitor.check(record.site.id));
  }

  @Get()
  @ApiOperation({ summary: 'Every site with its health and capacity (never its kubeconfig)' })
  list(): { items: SiteView[] } {
    return { items: this.registry.list().map((record) => this.view(record)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One site: description, revision, health, node inventory and capacity' })
  get(@Param('id', new ZodValidationPipe(siteIdSchema)) id: string): SiteView {
    return this.view(this.registry.get(id));
  }

  @Put(':id')
  @ApiHeader({ name: 'If-Match', description: 'revision this update is based on', required: true })
  async replace(
    @Param('id', new ZodValidationPipe(siteIdSchema)) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<WrittenSiteView> {
    return this.written(await this.registry.replace(id, body, revisionFromIfMatch(ifMatch)));
  }

  @Patch(':id')
  @ApiHeader({ name: 'If-Match', description: 'revision this update is based on', required: true })
  async patch(
    @Param('id', new ZodValidationPipe(siteIdSchema)) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<WrittenSiteView> {
    return this.written(await this.registry.patch(id, body, revisionFromIfMatch(ifMatch)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiHeader({ name: 'If-Match', description: 'delete only if still at this revision', required: false })
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
