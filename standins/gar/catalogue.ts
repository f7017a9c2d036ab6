/**
 * The stand-in GAR's catalogue: textbooks, dictionaries and videos, shaped as the GAR's resource
 * web service returns them. Who gets what: pupils the textbooks of their level plus the general
 * resources; teachers every textbook of their school's levels plus teacher resources; documentation
 * the general resources.
 */
const SCOLOMFR = 'http://data.education.fr/voc/scolomfr/concept';

export interface CatalogueEntry {
  ressource: Record<string, unknown>;
  /** MEF prefixes of the levels the resource is for (empty: every level). */
  mefPrefixes: string[];
  audiences: ('National_elv' | 'National_ens' | 'National_doc')[];
}

const level = (nom: string, code: string) => ({ nom, uri: `${SCOLOMFR}/scolomfr-voc-022-num-${code}` });
const domain = (nom: string, code: string) => ({ nom, uri: `${SCOLOMFR}/scolomfr-voc-015-num-${code}` });
const LEVELS: Record<string, { mef: string; label: ReturnType<typeof level> }> = {
  '6e': { mef: '100', label: level('6e', '006') },
  '5e': { mef: '101', label: level('5e', '007') },
  '4e': { mef: '102', label: level('4e', '008') },
  '3e': { mef: '103', label: level('3e', '009') },
  '2de': { mef: '200', label: level('2de', '013') },
  '1re': { mef: '201', label: level('1re', '014') },
  Tle: { mef: '202', label: level('Terminale', '015') },
};

function textbook(id: string, subject: string, subjectCode: string, grade: keyof typeof LEVELS, publisher: string): CatalogueEntry {
  return {
    mefPrefixes: [LEVELS[grade]!.mef],
    audiences: ['National_elv', 'National_ens'],
    ressource: {
      idRessource: `ark:/86527/${id}`,
      idType: 'ark:/86527/manuel',
      nomRessource: `${subject} ${grade} - manuel numérique ${publisher}`,
      idEditeur: publisher.toLowerCase().replace(/\W/g, ''),
      nomEditeur: publisher,
      urlVignette: `https://vignettes.example-editeur.fr/${id}.png`,
      urlAccesRessource: `https://ressources.example-editeur.fr/manuels/${id}`,
      typePresentation: { code: 'MAN', nom: 'Manuel numérique' },
      typologieDocument: [{ nom: 'Manuel', uri: `${SCOLOMFR}/scolomfr-voc-005-num-024` }],
      niveauEducatif: [LEVELS[grade]!.label],
      domaineEnseignement: [domain(subject, subjectCode)],
      typePedagogique: [{ nom: 'cours', uri: `${SCOLOMFR}/scolomfr-voc-010-num-003` }],
      distributeurTech: publisher,
      validateurTech: 'GAR',
      description: `Manuel de ${subject.toLowerCase()} pour la classe de ${grade}.`,
    },
  };
}

function general(
  id: string,
  name: string,
  publisher: string,
  presentation: { code: string; nom: string },
  typology: string,
  audiences: CatalogueEntry['audiences'],
): CatalogueEntry {
  return {
    mefPrefixes: [],
    audiences,
    ressource: {
      idRessource: `ark:/86527/${id}`,
      idType: `ark:/86527/${presentation.code.toLowerCase()}`,
      nomRessource: name,
      idEditeur: publisher.toLowerCase().replace(/\W/g, ''),
      nomEditeur: publisher,
      urlVignette: `https://vignettes.example-editeur.fr/${id}.png`,
      urlAccesRessource: `https://ressources.example-editeur.fr/${id}`,
      typePresentation: presentation,
      typologieDocument: [{ nom: typology, uri: `${SCOLOMFR}/scolomfr-voc-005-num-${typology.length}` }],
      niveauEducatif: [],
      domaineEnseignement: [],
      typePedagogique: [],
      description: name,
    },
  };
}

export const CATALOGUE: CatalogueEntry[] = [
  ...(['6e', '5e', '4e', '3e', '2de', '1re', 'Tle'] as const).flatMap((grade, i) => [
    textbook(`man-maths-${i}`, 'Mathématiques', '061300', grade, 'Sésamath'),
    textbook(`man-francais-${i}`, 'Français', '020700', grade, 'Nathan'),
    textbook(`man-histgeo-${i}`, 'Histoire-Géographie', '043300', grade, 'Magnard'),
    textbook(`man-anglais-${i}`, 'Anglais', '030201', grade, 'Hachette Éducation'),
  ]),
  general('dico-robert-college', 'Le Robert Collège', 'Le Robert', { code: 'DIC', nom: 'Dictionnaire' }, 'Dictionnaire', [
    'National_elv',
    'National_ens',
    'National_doc',
  ]),
  general('dico-larousse-bilingue', 'Larousse dictionnaire bilingue anglais-français', 'Larousse', { code: 'DIC', nom: 'Dictionnaire' }, 'Dictionnaire', [
    'National_elv',
    'National_ens',
    'National_doc',
  ]),
  general('video-lumni', 'Lumni – vidéos éducatives', 'France Télévisions', { code: 'VID', nom: 'Vidéo' }, 'Vidéo', [
    'National_elv',
    'National_ens',
    'National_doc',
  ]),
  general('video-fondamentaux', 'Les Fondamentaux (Canopé)', 'Réseau Canopé', { code: 'VID', nom: 'Vidéo' }, 'Vidéo', ['National_elv', 'National_ens']),
  general('banque-sujets', 'Banque de sujets et corrigés pour l’enseignant', 'Réseau Canopé', { code: 'RES', nom: 'Ressource enseignant' }, 'Exercice', [
    'National_ens',
  ]),
];
