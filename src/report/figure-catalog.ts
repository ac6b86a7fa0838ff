/**
 * Which metrics are plotted against epoch, grouped into figures the way Papyan, Han & Donoho
 * (PNAS 2020) group them. One panel per metric key; a panel that no run has is left out, and a
 * figure with no panel left is left out (never a placeholder).
 */

export interface EpochPanel {
  key: string;
  title: string;
  /** Log y, as the paper draws errors and NC1; non-positive values are then not drawn. */
  logY: boolean;
}

export type FigureSection = 'training' | 'paper' | 'extras' | 'layers' | 'geometry';

export interface EpochFigure {
  /** File name without extension under OUT/figures/. */
  id: string;
  title: string;
  caption: string;
  section: FigureSection;
  panels: EpochPanel[];
}

export const EPOCH_FIGURES: EpochFigure[] = [
  {
    id: 'error',
    title: 'Training and test error',
    caption: 'Fraction of misclassified samples. The terminal phase starts when the training error reaches zero (dashed rule: tpt_epoch); zeros are not drawn on the log scale.',
    section: 'training',
    panels: [
      { key: 'train_error', title: 'Training error', logY: true },
      { key: 'test_error', title: 'Test error', logY: true },
    ],
  },
  {
    id: 'loss',
    title: 'Loss',
    caption: 'Mean training loss without and with the weight-decay term, and the test loss.',
    section: 'training',
    panels: [
      { key: 'loss', title: 'Training loss', logY: true },
      { key: 'loss_wd', title: 'Training loss + weight decay', logY: true },
      { key: 'test_loss', title: 'Test loss', logY: true },
    ],
  },
  {
    id: 'fig2-equinorm',
    title: 'Figure 2: class means and classifiers become equinorm',
    caption: 'Coefficient of variation of the norms of the centred class means and of the classifier rows (std / mean).',
    section: 'paper',
    panels: [
      { key: 'equinorm_means', title: 'Class means', logY: false },
      { key: 'equinorm_classifier', title: 'Classifiers', logY: false },
    ],
  },
  {
    id: 'fig3-equiangular',
    title: 'Figure 3: class means and classifiers approach equiangularity',
    caption: 'Standard deviation of the cosines between pairs of centred class means and of classifier rows.',
    section: 'paper',
    panels: [
      { key: 'equiangular_means', title: 'Class means', logY: false },
      { key: 'equiangular_classifier', title: 'Classifiers', logY: false },
    ],
  },
  {
    id: 'fig4-maxangle',
    title: 'Figure 4: class means and classifiers approach maximal-angle equiangularity',
    caption: 'Mean over pairs of |cos + 1/(C-1)|: zero for a simplex equiangular tight frame.',
    section: 'paper',
    panels: [
      { key: 'maxangle_means', title: 'Class means', logY: false },
      { key: 'maxangle_classifier', title: 'Classifiers', logY: false },
    ],
  },
  {
    id: 'fig5-self-duality',
    title: 'Figure 5: classifier converges to self-duality',
    caption: '|| W/||W|| - M/||M|| ||² between the classifier and the centred class means (NC3).',
    section: 'paper',
    panels: [{ key: 'self_duality', title: 'Self-duality distance', logY: false }],
  },
  {
    id: 'fig6-nc1',
    title: 'Figure 6: training within-class variation collapses',
    caption: 'Tr(Σ_W Σ_B⁺)/C (NC1), on a log scale.',
    section: 'paper',
    panels: [{ key: 'nc1', title: 'NC1: Tr(Σ_W Σ_B⁺)/C', logY: true }],
  },
  {
    id: 'fig7-ncc-mismatch',
    title: 'Figure 7: classifier behaviour approaches that of the nearest class centre',
    caption: 'Fraction of training samples where the network and the nearest-class-centre rule disagree (NC4).',
    section: 'paper',
    panels: [{ key: 'ncc_mismatch', title: 'NCC mismatch', logY: false }],
  },
  {
    id: 'fig8-robustness',
    title: 'Figure 8: training beyond zero error improves adversarial robustness',
    caption:
      'Mean over a fixed random subset of images (train --robustness K) of ||r(x)||₂ / ||x||₂, r the minimal perturbation DeepFool finds (overshoot 0.02, at most 50 steps), and the fraction of the subset DeepFool failed to flip.',
    section: 'paper',
    panels: [
      { key: 'deepfool_train', title: 'Train', logY: false },
      { key: 'deepfool_test', title: 'Test', logY: false },
      { key: 'deepfool_failed', title: 'Not flipped', logY: false },
    ],
  },
  {
    id: 'within-class-variability',
    title: 'Within-class variability (other measures)',
    caption: 'Tr(Σ_W)/Tr(Σ_B) and the class-distance normalised variance (CDNV, Galanti et al.).',
    section: 'extras',
    panels: [
      { key: 'nc1_trace_ratio', title: 'Tr(Σ_W) / Tr(Σ_B)', logY: true },
      { key: 'cdnv', title: 'CDNV', logY: true },
    ],
  },
  {
    id: 'etf-error',
    title: 'Distance to the simplex ETF',
    caption: 'Frobenius distance between the normalised Gram matrix and that of a simplex equiangular tight frame.',
    section: 'extras',
    panels: [
      { key: 'etf_error_means', title: 'Class means', logY: false },
      { key: 'etf_error_classifier', title: 'Classifiers', logY: false },
    ],
  },
  {
    id: 'margin',
    title: 'Normalised margin',
    caption: 'Smallest and mean margin (z_y - max other z) / ||W||: grows during the terminal phase.',
    section: 'extras',
    panels: [
      { key: 'margin_min', title: 'Minimum margin', logY: false },
      { key: 'margin_mean', title: 'Mean margin', logY: false },
    ],
  },
  {
    id: 'webb-lowe',
    title: 'Webb & Lowe: distance to the least-squares classifier',
    caption: 'Distance between the normalised classifier and the least-squares one built from the features, and how often they agree.',
    section: 'extras',
    panels: [
      { key: 'webb_lowe_distance', title: 'Distance', logY: false },
      { key: 'webb_lowe_agreement', title: 'Agreement', logY: false },
    ],
  },
  {
    id: 'minority-collapse',
    title: 'Minority collapse (Fang, He, Long & Su 2021)',
    caption:
      'Mean pairwise cosine among the minority classes (train --imbalance) and among the majority classes, for the classifier rows and the centred class means. Minority collapse drives the minority classifiers toward 1 (parallel); a simplex ETF gives -1/(C-1).',
    section: 'extras',
    panels: [
      { key: 'minority_cos_classifier', title: 'Minority classifiers', logY: false },
      { key: 'majority_cos_classifier', title: 'Majority classifiers', logY: false },
      { key: 'minority_cos_means', title: 'Minority means', logY: false },
      { key: 'majority_cos_means', title: 'Majority means', logY: false },
    ],
  },
  {
    id: 'mse-decomposition',
    title: 'MSE loss decomposition (Han, Papyan & Donoho 2022)',
    caption: 'The MSE loss split into L_NC1, L_NC2/3 and the remainder L⊥ that vanishes in the central path.',
    section: 'extras',
    panels: [
      { key: 'lnc1', title: 'L_NC1', logY: true },
      { key: 'lnc23', title: 'L_NC2/3', logY: true },
      { key: 'lperp', title: 'L⊥', logY: true },
    ],
  },
];
