// The `training` export's type. Its values are checked by the engine before a run starts.

export type DatasetSpec =
  | 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar100'
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

/** The `training` export: how every model in the file is trained. All keys are optional. */
export interface Training {
  /** `'mnist'`, `'fashion-mnist'`, `'cifar10'`, `'cifar100'`, or an image folder with one sub-folder per class. */
  dataset?: DatasetSpec;
  /** Passes over the training set. */
  epochs?: number;
  /** Images per step. */
  batchSize?: number;
  /** Random seed for initialization, shuffling and augmentation. */
  seed?: number;
  /** `{ type: 'sgd' | 'adam' | 'adamw' | 'rmsprop', lr, … }`. */
  optimizer?: OptimizerSpec;
  /** Learning-rate schedule: step, multistep, plateau or cosine. */
  schedule?: ScheduleSpec;
  /** Data augmentation, applied to training data only. */
  augment?: AugmentSpec;
  /** Per-channel `{ mean, std }`, or `'dataset'` (computed from the training set). */
  normalize?: { mean: number[]; std: number[] } | 'dataset';
  /** Fraction of the training set held out for validation. */
  validationSplit?: number;
  /** Stop after `patience` epochs without improvement; the best checkpoint is always kept. */
  earlyStopping?: { patience: number; monitor?: 'val_loss' | 'val_accuracy' };
  /** A seed: one fixed pixel permutation applied to every image, train and test. */
  permutePixels?: number;
  /** A finished run's id whose matching weights initialize this model. */
  initFrom?: string;
  /** Train with these layers frozen for `epochs`, then unfreeze (optionally at `lrAfter`). */
  freeze?: { layers: string[] | 'all-but-last'; epochs: number; lrAfter?: number };
}
