// The `training` export's type. Its values are checked by the engine before a run starts.

export type DatasetSpec =
  | 'mnist' | 'fashion-mnist' | 'cifar10'
  | { folder: string; imageSize: [number, number]; channels?: 1 | 3; testSplit?: number };

export type OptimizerSpec =
  | { type: 'sgd'; lr: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
  | { type: 'adam' | 'adamw' | 'rmsprop'; lr: number; weightDecay?: number };

export type ScheduleSpec =
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'multistep'; milestones: number[]; gamma: number }
  | { type: 'plateau'; factor: number; patience: number }
  | { type: 'cosine'; warmupEpochs?: number };

export interface AugmentSpec {
  randomCrop?: { padding: number };
  horizontalFlip?: boolean;
  rotation?: number;
  colorJitter?: { brightness?: number; contrast?: number; saturation?: number; hue?: number };
}

export interface Training {
  dataset?: DatasetSpec;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  augment?: AugmentSpec;
  normalize?: { mean: number[]; std: number[] } | 'dataset';
  validationSplit?: number;
  earlyStopping?: { patience: number; monitor?: 'val_loss' | 'val_accuracy' };
  permutePixels?: number;
  initFrom?: string;
  freeze?: { layers: string[] | 'all-but-last'; epochs: number; lrAfter?: number };
}
