import { Module } from '@nestjs/common';
import { ArtifactStore } from './artifact-store';
import { ModelPublisher } from './model-publisher';
import { ModelRegistry } from './model-registry';
import { ModelValidator } from './model-validator.service';
import { ModelsController } from './models.controller';

@Module({
  providers: [ArtifactStore, ModelRegistry, ModelValidator, ModelPublisher],
  controllers: [ModelsController],
  exports: [ModelRegistry],
})
export class ModelsModule {}
