import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TOKEN_PATTERN } from '@polis/contracts';
import { ZodValidationPipe, revisionFromIfMatch } from '../common';
import { SensorKindRegistry } from './sensor-kind.registry';

const nameSchema = z.string().regex(TOKEN_PATTERN, `sensor kind names match ${TOKEN_PATTERN.source}`);

@ApiTags('sensor-kinds')
@Controller('sensor-kinds')
export class SensorKindsController {
  constructor(private readonly registry: SensorKindRegistry) {}

  @Get()
  @ApiOperation({ summary: 'The sensor-kind registry: fields with unit and valid range' })
  list() {
    return { items: this.registry.list() };
  }

  @Get(':name')
  get(@Param('name', new ZodValidationPipe(nameSchema)) name: string) {
    return this.registry.describe(name);
  }

  @Post()
  @ApiOperation({ summary: 'Register a new sensor kind; ingest accepts it at once, no code change' })
  create(@Body() body: unknown) {
    return this.registry.create(body);
  }

  @Put(':name')
  @ApiHeader({ name: 'If-Match', description: 'revision this update is based on', required: true })
  update(
    @Param('name', new ZodValidationPipe(nameSchema)) name: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.registry.update(name, body, revisionFromIfMatch(ifMatch));
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@Param('name', new ZodValidationPipe(nameSchema)) name: string): Promise<void> {
    await this.registry.remove(name);
  }
}
