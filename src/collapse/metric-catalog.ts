/**
 * The one catalogue of metric keys: every number that metrics.jsonl, `analyze --json` and the
 * report carry, with what it means, the paper figure it reproduces and its value under collapse.
 * The CollapseMetrics type, the CLI glossary, the report's figures and docs/metrics.md are all
 * derived from (or checked against) this list; a new metric starts here.
 */

/** Where a key comes from, which is also the section of docs/metrics.md that defines it. */
export type MetricGroup =
  /** Measured by the trainer alongside collapse: errors and losses. */
  | 'training'
  /** Papyan, Han & Donoho (2020), Figures 2-7. */
  | 'paper'
  /** Later measures of the same phenomena. */
  | 'extras'
  /** Han, Papyan & Donoho (2022): the MSE loss split into collapse terms. */
  | 'mse-decomposition'
  /** Figure 8: DeepFool robustness (train --robustness). */
  | 'robustness'
  /** Fang, He, Long & Su (2021): minority collapse under imbalanced classes. */
  | 'imbalance'
  /** Large label sets: which classes were kept, which samples were decided. */
  | 'many-classes'
  /** The run's schedule. */
  | 'schedule';

export interface MetricEntry {
  key: string;
  /** One line for the CLI's glossary. */
  meaning: string;
  /** The definition, in docs/metrics.md's notation (docs/metrics.md). */
  definition: string;
  /** The figure of Papyan, Han & Donoho (2020) it reproduces, or null. */
  figure: number | null;
  /** Its value (or trend) under neural collapse. */
  collapsed: string;
  group: MetricGroup;
  /** What measures it: the collapse measurement (src/collapse/), the trainer, or DeepFool (src/robustness/). */
  by: 'collapse' | 'trainer' | 'robustness';
  /** Drawn on a log scale in the report (errors, NC1, losses). */
  logScale: boolean;
  /** Measured by the collapse measurement whatever the input (required in CollapseMetrics); otherwise present only when its inputs were given. */
  always?: boolean;
}

export const METRIC_CATALOG = [
  {
    key: 'train_error',
    meaning: 'fraction misclassified by argmax(W h + b)',
    definition: 'fraction of training samples where argmax_c (w_c.h + b_c) != y',
    figure: null,
    collapsed: '0 in the terminal phase',
    group: 'training',
    by: 'collapse',
    logScale: true,
  },
  {
    key: 'test_error',
    meaning: 'the same on the test split',
    definition: 'train_error on the test split',
    figure: null,
    collapsed: 'keeps falling in the terminal phase',
    group: 'training',
    by: 'trainer',
    logScale: true,
  },
  {
    key: 'loss',
    meaning: 'mean training loss (CE or MSE), no weight decay',
    definition: 'mean training loss (CE or MSE) over the training set, without weight decay',
    figure: null,
    collapsed: '-> 0',
    group: 'training',
    by: 'trainer',
    logScale: true,
  },
  {
    key: 'loss_wd',
    meaning: 'training loss plus the weight-decay term',
    definition: 'loss + (wd / 2) sum of the squared parameters',
    figure: null,
    collapsed: 'levels off',
    group: 'training',
    by: 'trainer',
    logScale: true,
  },
  {
    key: 'test_loss',
    meaning: 'mean loss on the test split',
    definition: 'loss on the test split',
    figure: null,
    collapsed: '',
    group: 'training',
    by: 'trainer',
    logScale: true,
  },
  {
    key: 'equinorm_means',
    meaning: 'std/mean of |mu_c - mu_G|            (NC2, -> 0)',
    definition: 'std_c(|mu_c - mu_G|) / mean_c(|mu_c - mu_G|)',
    figure: 2,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
    always: true,
  },
  {
    key: 'equinorm_classifier',
    meaning: 'std/mean of |w_c|                    (NC2, -> 0)',
    definition: 'std_c(|w_c|) / mean_c(|w_c|)',
    figure: 2,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'equiangular_means',
    meaning: 'std of cos between centred means     (NC2, -> 0)',
    definition: "std of cos(mu_c - mu_G, mu_c' - mu_G) over the C(C-1)/2 unordered pairs c < c'",
    figure: 3,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
    always: true,
  },
  {
    key: 'equiangular_classifier',
    meaning: 'std of cos between classifier rows   (NC2, -> 0)',
    definition: "the same over cos(w_c, w_c')",
    figure: 3,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'maxangle_means',
    meaning: 'mean |cos + 1/(C-1)|, means          (NC2, -> 0)',
    definition: "mean over c < c' of |cos(mu_c - mu_G, mu_c' - mu_G) + 1/(C-1)|",
    figure: 4,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
    always: true,
  },
  {
    key: 'maxangle_classifier',
    meaning: 'mean |cos + 1/(C-1)|, classifier     (NC2, -> 0)',
    definition: "the same over cos(w_c, w_c')",
    figure: 4,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'self_duality',
    meaning: '||W/||W|| - Mt/||Mt|| ||^2           (NC3, -> 0)',
    definition: '|| W/||W||_F - Mt/||Mt||_F ||_F^2',
    figure: 5,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'nc1',
    meaning: 'Tr(Sigma_W Sigma_B^+)/C              (NC1, -> 0)',
    definition:
      'Tr(Sigma_W Sigma_B^+) / C, Sigma_B^+ built from the eigenpairs of Sigma_B whose eigenvalue exceeds 1e-12 times the largest (at most C-1 of them)',
    figure: 6,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: true,
    always: true,
  },
  {
    key: 'ncc_mismatch',
    meaning: 'network vs nearest class centre     (NC4, -> 0)',
    definition: 'fraction of samples where argmax_c (w_c.h + b_c) != argmin_c |h - mu_c| (ties: lowest index)',
    figure: 7,
    collapsed: '-> 0',
    group: 'paper',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'nc1_trace_ratio',
    meaning: 'Tr(Sigma_W)/Tr(Sigma_B)              (-> 0)',
    definition: 'Tr(Sigma_W) / Tr(Sigma_B)',
    figure: null,
    collapsed: '-> 0',
    group: 'extras',
    by: 'collapse',
    logScale: true,
    always: true,
  },
  {
    key: 'cdnv',
    meaning: 'class-distance normalised variance   (-> 0)',
    definition: "mean over c < c' of (s_c + s_c') / (2 |mu_c - mu_c'|^2), s_c = (1/N_c) sum over i in c of |h_i - mu_c|^2 (Galanti et al.)",
    figure: null,
    collapsed: '-> 0',
    group: 'extras',
    by: 'collapse',
    logScale: true,
    always: true,
  },
  {
    key: 'etf_error_means',
    meaning: 'distance of Mt Mt^T to a simplex ETF (-> 0)',
    definition: '|| G/||G||_F - E ||_F with G = Mt Mt^T, E = (I - 11^T/C) / sqrt(C-1)',
    figure: null,
    collapsed: '-> 0',
    group: 'extras',
    by: 'collapse',
    logScale: false,
    always: true,
  },
  {
    key: 'etf_error_classifier',
    meaning: 'distance of W W^T to a simplex ETF   (-> 0)',
    definition: 'the same with G = W W^T',
    figure: null,
    collapsed: '-> 0',
    group: 'extras',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'margin_min',
    meaning: 'min normalised margin                (grows in TPT)',
    definition:
      "min over samples of (z_{i,y_i} - max_{c != y_i} z_{i,c}) / ||W||_F, z = W h + b (the normalised margin that Soudry et al.'s implicit bias maximises)",
    figure: null,
    collapsed: 'grows in the terminal phase',
    group: 'extras',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'margin_mean',
    meaning: 'mean normalised margin               (grows in TPT)',
    definition: 'the mean over samples of the same margin',
    figure: null,
    collapsed: 'grows in the terminal phase',
    group: 'extras',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'webb_lowe_distance',
    meaning: 'W vs least-squares W_LS              (-> 0 under MSE)',
    definition:
      '|| W/||W||_F - W_LS/||W_LS||_F ||_F, W_LS = (1/C) Mt Sigma_T^+ (Proposition 1, Webb & Lowe; Sigma_T^+ with the same eigenvalue cut as Sigma_B^+)',
    figure: null,
    collapsed: '-> 0 under MSE',
    group: 'extras',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'webb_lowe_agreement',
    meaning: 'W_LS decides as the network          (-> 1)',
    definition: "fraction of samples where argmax of (W_LS h + b_LS) equals the network's argmax, b_LS = (1/C) 1 - W_LS mu_G",
    figure: null,
    collapsed: '-> 1',
    group: 'extras',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'ncc_accuracy',
    meaning: 'nearest-class-centre accuracy',
    definition: "accuracy of the nearest-class-centre classifier built from the features' own class means; also measured at every block (layer-wise collapse)",
    figure: null,
    collapsed: '-> 1 - train_error',
    group: 'extras',
    by: 'collapse',
    logScale: false,
    always: true,
  },
  {
    key: 'lnc1',
    meaning: 'MSE decomposition: NC1 term',
    definition: '1/2 [ Tr(W_LS (Sigma_W + lambda I) W_LS^T) + lambda |b_LS|^2 ], with the regularised W_LS, b_LS below',
    figure: null,
    collapsed: '-> 0',
    group: 'mse-decomposition',
    by: 'collapse',
    logScale: true,
  },
  {
    key: 'lnc23',
    meaning: 'MSE decomposition: NC2/NC3 term',
    definition: '(1/(2C)) || W_LS M + b_LS 1^T - I ||_F^2',
    figure: null,
    collapsed: '-> 0',
    group: 'mse-decomposition',
    by: 'collapse',
    logScale: true,
  },
  {
    key: 'lperp',
    meaning: 'MSE decomposition: distance to W_LS term',
    definition: '1/2 Tr(D A D^T), D = [W b] - [W_LS b_LS], A = [[Sigma_T + mu_G mu_G^T + lambda I, mu_G], [mu_G^T, 1 + lambda]]',
    figure: null,
    collapsed: '-> 0 (the central path)',
    group: 'mse-decomposition',
    by: 'collapse',
    logScale: true,
  },
  {
    key: 'deepfool_train',
    meaning: 'DeepFool ||r(x)|| / ||x|| on training images',
    definition:
      'mean over a fixed seeded subset of K training images (train --robustness K) of ||r(x)||_2 / ||x||_2, r the minimal perturbation DeepFool finds (overshoot 0.02, at most 50 steps); left out when nothing was flipped',
    figure: 8,
    collapsed: 'grows in the terminal phase',
    group: 'robustness',
    by: 'robustness',
    logScale: false,
  },
  {
    key: 'deepfool_test',
    meaning: 'DeepFool ||r(x)|| / ||x|| on test images',
    definition: 'the same on K test images',
    figure: 8,
    collapsed: 'grows in the terminal phase',
    group: 'robustness',
    by: 'robustness',
    logScale: false,
  },
  {
    key: 'deepfool_failed',
    meaning: 'fraction of the subset DeepFool did not flip',
    definition: 'fraction of the attacked images that DeepFool failed to flip within its steps',
    figure: 8,
    collapsed: 'small',
    group: 'robustness',
    by: 'robustness',
    logScale: false,
  },
  {
    key: 'minority_cos_classifier',
    meaning: 'mean cos between minority classifier rows (-> 1 under minority collapse)',
    definition: "mean over minority pairs c < c' of cos(w_c, w_c')",
    figure: null,
    collapsed: '-> 1 as the imbalance grows (minority collapse); -1/(C-1) for a simplex ETF',
    group: 'imbalance',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'minority_cos_means',
    meaning: 'mean cos between minority centred means',
    definition: 'the same over the centred means mu_c - mu_G',
    figure: null,
    collapsed: '-> 1 as the imbalance grows; -1/(C-1) for a simplex ETF',
    group: 'imbalance',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'majority_cos_classifier',
    meaning: 'mean cos between majority classifier rows',
    definition: "mean over pairs c < c' of the other (majority) classes of cos(w_c, w_c'); needs two of them",
    figure: null,
    collapsed: '-1/(C-1) for a simplex ETF',
    group: 'imbalance',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'majority_cos_means',
    meaning: 'mean cos between majority centred means',
    definition: 'the same over the centred means mu_c - mu_G',
    figure: null,
    collapsed: '-1/(C-1) for a simplex ETF',
    group: 'imbalance',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'classes_kept',
    meaning: 'classes with at least min_count samples (C)',
    definition: 'number of label values with at least min_count samples: the C of every other key',
    figure: null,
    collapsed: '',
    group: 'many-classes',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'classes_dropped',
    meaning: 'label values left out (fewer than min_count samples)',
    definition: 'number of label values with fewer than min_count samples, whose samples are left out of every sum',
    figure: null,
    collapsed: '',
    group: 'many-classes',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'decision_samples',
    meaning: 'samples the decision keys were measured on',
    definition:
      'size K of the fixed, seeded subset on which train_error, ncc_mismatch, the margins and webb_lowe_agreement are measured (the same subset in both passes); every sample by default',
    figure: null,
    collapsed: '',
    group: 'many-classes',
    by: 'collapse',
    logScale: false,
  },
  {
    key: 'tpt_epoch',
    meaning: 'first epoch with zero training error',
    definition: 'the first epoch at which the training error is exactly 0 (the start of the terminal phase of training); null before',
    figure: null,
    collapsed: '',
    group: 'schedule',
    by: 'trainer',
    logScale: false,
  },
] as const satisfies readonly MetricEntry[];

export type MetricKey = (typeof METRIC_CATALOG)[number]['key'];

const BY_KEY = new Map<string, MetricEntry>(METRIC_CATALOG.map((entry) => [entry.key, entry]));

/** The catalogue entry of a key, or undefined for a key the catalogue does not know. */
export function metricEntry(key: string): MetricEntry | undefined {
  return BY_KEY.get(key);
}
