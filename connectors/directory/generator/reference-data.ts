/** Nomenclature codes (BCN) as AAF exports carry them, and names for synthetic people. */

export interface LevelPlan {
  label: string;
  mef: string;
}

export const MEFS = [
  { code: '10010012110', label: '6EME' },
  { code: '10110001110', label: '5EME' },
  { code: '10210001110', label: '4EME' },
  { code: '10310019110', label: '3EME' },
  { code: '20010018110', label: '2NDE GENERALE ET TECHNOLOGIQUE' },
  { code: '20111010110', label: '1ERE GENERALE' },
  { code: '20212010110', label: 'TERMINALE GENERALE' },
] as const;

export const SUBJECTS: { code: string; label: string; taught: ('college' | 'lycee')[] }[] = [
  { code: '020700', label: 'FRANCAIS', taught: ['college', 'lycee'] },
  { code: '061300', label: 'MATHEMATIQUES', taught: ['college', 'lycee'] },
  { code: '030201', label: 'ANGLAIS LV1', taught: ['college', 'lycee'] },
  { code: '030602', label: 'ESPAGNOL LV2', taught: ['college', 'lycee'] },
  { code: '043300', label: 'HISTOIRE-GEOGRAPHIE & EDUCATION CIVIQUE', taught: ['college', 'lycee'] },
  { code: '062900', label: 'SCIENCES DE LA VIE ET DE LA TERRE', taught: ['college', 'lycee'] },
  { code: '061800', label: 'PHYSIQUE-CHIMIE', taught: ['college', 'lycee'] },
  { code: '100100', label: 'EDUCATION PHYSIQUE ET SPORTIVE', taught: ['college', 'lycee'] },
  { code: '080100', label: 'EDUCATION MUSICALE', taught: ['college'] },
  { code: '078800', label: 'ARTS PLASTIQUES', taught: ['college'] },
  { code: '072000', label: 'TECHNOLOGIE', taught: ['college'] },
  { code: '013000', label: 'SCIENCES ECONOMIQUES ET SOCIALES', taught: ['lycee'] },
  { code: '012100', label: 'PHILOSOPHIE', taught: ['lycee'] },
];

export const FIRST_NAMES = [
  'Adam', 'Alice', 'Amir', 'Anaïs', 'Arthur', 'Camille', 'Céline', 'Clément', 'Élodie', 'Éric', 'Fatou', 'Gabriel',
  'Hélène', 'Jade', 'Jules', 'Karim', 'Léna', 'Louis', 'Manon', 'Mathis', 'Maëlys', 'Nathan', 'Noé', 'Océane',
  'Paul', 'Raphaël', 'Rose', 'Sacha', 'Salomé', 'Samuel', 'Sarah', 'Théo', 'Yasmine', 'Zoé', 'François', 'Agnès',
];

export const LAST_NAMES = [
  'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON', 'MICHEL', 'LEFEBVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL',
  'FOURNIER', 'GIRARD', 'BONNET', 'DUPONT', 'LAMBERT', 'FONTAINE', 'ROUSSEAU', 'VINCENT', 'MULLER', 'LEFÈVRE',
  'FAURE', 'ANDRÉ', 'MERCIER', 'BLANC', 'GUÉRIN', 'BOYER', 'GARNIER', 'CHEVALIER', 'FRANÇOIS', 'N\'DIAYE', 'BENALI',
];
