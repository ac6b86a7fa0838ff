import { metricEntry, type MetricKey } from '../collapse/metric-catalog.js';

/**
 * Which metrics are plotted against epoch, grouped into figures the way Papyan, Han & Donoho
 * (PNAS 2020) group them. One panel per metric key; a panel that no run has is left out, and a
 * figure with no panel left is left out (never a placeholder).
 */

export interface EpochPanel {
  key: MetricKey;
  title: string;
  /** Log y, as the paper draws errors and NC1 (the catalogue's logScale); non-positive values are then not drawn. */
  logY: boolean;
}

/** A panel of one catalogued key, drawn on the scale the catalogue gives it. */
function panel(key: MetricKey, title: string): EpochPanel {
  return { key, title, logY: metricEntry(key)!.logScale };
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
    caption:
      'Fraction of misclassified samples. The terminal phase starts when the training error reaches zero (dashed rule: tpt_epoch); zeros are not drawn on the log scale.',
    section: 'training',
    panels: [panel('train_error', 'Training error'), panel('test_error', 'Test error')],
  },
  {
    id: 'loss',
    title: 'Loss',
    caption: 'Mean training loss without and with the weight-decay term, and the test loss.',
    section: 'training',
    panels: [panel('loss', 'Training loss'), panel('loss_wd', 'Training loss + weight decay'), panel('test_loss', 'Test loss')],
  },
  {
    id: 'fig2-equinorm',
    title: 'Figure 2: class means and classifiers become equinorm',
    caption: 'Coefficient of variation of the norms of the centred class means and of the classifier rows (std / mean).',
    section: 'paper',
    panels: [panel('equinorm_means', 'Class means'), panel('equinorm_classifier', 'Classifiers')],
  },
  {
    id: 'fig3-equiangular',
    title: 'Figure 3: class means and classifiers approach equiangularity',
    caption: 'Standard deviation of the cosines between pairs of centred class means and of classifier rows.',
    section: 'paper',
    panels: [panel('equiangular_means', 'Class means'), panel('equiangular_classifier', 'Classifiers')],
  },
  {
    id: 'fig4-maxangle',
    title: 'Figure 4: class means and classifiers approach maximal-angle equiangularity',
    caption: 'Mean over pairs of |cos + 1/(C-1)|: zero for a simplex equiangular tight frame.',
    section: 'paper',
    panels: [panel('maxangle_means', 'Class means'), panel('maxangle_classifier', 'Classifiers')],
  },
  {
    id: 'fig5-self-duality',
    title: 'Figure 5: classifier converges to self-duality',
    caption: '|| W/||W|| - M/||M|| ||² between the classifier and the centred class means (NC3).',
    section: 'paper',
    panels: [panel('self_duality', 'Self-duality distance')],
  },
  {
    id: 'fig6-nc1',
    title: 'Figure 6: training within-class variation collapses',
    caption: 'Tr(Σ_W Σ_B⁺)/C (NC1), on a log scale.',
    section: 'paper',
    panels: [panel('nc1', 'NC1: Tr(Σ_W Σ_B⁺)/C')],
  },
  {
    id: 'fig7-ncc-mismatch',
    title: 'Figure 7: classifier behaviour approaches that of the nearest class centre',
    caption: 'Fraction of training samples where the network and the nearest-class-centre rule disagree (NC4).',
    section: 'paper',
    panels: [panel('ncc_mismatch', 'NCC mismatch')],
  },
  {
    id: 'fig8-robustness',
    title: 'Figure 8: training beyond zero error improves adversarial robustness',
    caption:
      'Mean over a fixed random subset of images (train --robustness K) of ||r(x)||₂ / ||x||₂, r the minimal perturbation DeepFool finds (overshoot 0.02, at most 50 steps), and the fraction of the subset DeepFool failed to flip.',
    section: 'paper',
    panels: [panel('deepfool_train', 'Train'), panel('deepfool_test', 'Test'), panel('deepfool_failed', 'Not flipped')],
  },
  {
    id: 'within-class-variability',
    title: 'Within-class variability (other measures)',
    caption: 'Tr(Σ_W)/Tr(Σ_B) and the class-distance normalised variance (CDNV, Galanti et al.).',
    section: 'extras',
    panels: [panel('nc1_trace_ratio', 'Tr(Σ_W) / Tr(Σ_B)'), panel('cdnv', 'CDNV')],
  },
  {
    id: 'etf-error',
    title: 'Distance to the simplex ETF',
    caption: 'Frobenius distance between the normalised Gram matrix and that of a simplex equiangular tight frame.',
    section: 'extras',
    panels: [panel('etf_error_means', 'Class means'), panel('etf_error_classifier', 'Classifiers')],
  },
  {
    id: 'margin',
    title: 'Normalised margin',
    caption: 'Smallest and mean margin (z_y - max other z) / ||W||: grows during the terminal phase.',
    section: 'extras',
    panels: [panel('margin_min', 'Minimum margin'), panel('margin_mean', 'Mean margin')],
  },
  {
    id: 'webb-lowe',
    title: 'Webb & Lowe: distance to the least-squares classifier',
    caption: 'Distance between the normalised classifier and the least-squares one built from the features, and how often they agree.',
    section: 'extras',
    panels: [panel('webb_lowe_distance', 'Distance'), panel('webb_lowe_agreement', 'Agreement')],
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
    panels: [panel('lnc1', 'L_NC1'), panel('lnc23', 'L_NC2/3'), panel('lperp', 'L⊥')],
  },
];
