// Word pools drawn once per seed with faker (seeded), then indexed by the fast PRNG: faker is too
// slow to call per row at a million rows, and pools keep output deterministic and varied.
import { Faker, base, de, en, es, fr, it, nl, pl, pt_BR, tr } from '@faker-js/faker'
import { STREAM, hash32 } from './rng.ts'

export interface NamePool {
  first: string[]
  last: string[]
}

export interface Pools {
  /** Name pools by language; languages without their own pool use English names. */
  names: Map<string, NamePool>
  /** Short, topic-neutral things a participant might say. */
  phrases: string[]
  /** Follow-up questions an interviewer might ask. */
  questions: string[]
  aiNames: string[]
}

const NAME_LOCALES: [string, typeof en][] = [
  ['English', en],
  ['Spanish', es],
  ['French', fr],
  ['German', de],
  ['Portuguese', pt_BR],
  ['Italian', it],
  ['Dutch', nl],
  ['Polish', pl],
  ['Turkish', tr],
]
/** Romanised names for locales whose faker names are not in Latin script. */
const ROMANISED: Record<string, NamePool> = {
  Mandarin: {
    first: ['Wei', 'Fang', 'Li', 'Ming', 'Jing', 'Lei', 'Yan', 'Hui', 'Jun', 'Xin', 'Hao', 'Yu', 'Tao', 'Ling', 'Qiang', 'Mei', 'Chen', 'Bo', 'Lan', 'Zhen'],
    last: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo', 'He', 'Lin', 'Gao', 'Luo'],
  },
  Japanese: {
    first: ['Haruto', 'Yuto', 'Sota', 'Yuki', 'Hina', 'Yui', 'Aoi', 'Ren', 'Sakura', 'Riku', 'Mio', 'Kenji', 'Akiko', 'Takeshi', 'Naoko', 'Hiroshi'],
    last: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato', 'Yoshida', 'Yamada', 'Sasaki', 'Inoue'],
  },
  Korean: {
    first: ['Min-jun', 'Seo-yeon', 'Ji-ho', 'Ha-eun', 'Do-yun', 'Ji-woo', 'Seo-jun', 'Su-ah', 'Ye-jin', 'Hyun-woo', 'Eun-ji', 'Jae-won'],
    last: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon', 'Jang', 'Lim', 'Han', 'Shin'],
  },
  Hindi: {
    first: ['Aarav', 'Vivaan', 'Aditya', 'Priya', 'Ananya', 'Diya', 'Rohan', 'Ishaan', 'Kavya', 'Arjun', 'Neha', 'Sanjay', 'Pooja', 'Rahul', 'Meera', 'Vikram'],
    last: ['Sharma', 'Verma', 'Gupta', 'Patel', 'Singh', 'Kumar', 'Reddy', 'Iyer', 'Nair', 'Mehta', 'Joshi', 'Rao', 'Das', 'Chopra', 'Malhotra', 'Bhat'],
  },
  Arabic: {
    first: ['Omar', 'Layla', 'Youssef', 'Fatima', 'Ahmed', 'Mariam', 'Khalid', 'Nour', 'Hassan', 'Salma', 'Karim', 'Aisha', 'Tariq', 'Rania', 'Zaid', 'Huda'],
    last: ['Haddad', 'Mansour', 'Khalil', 'Saleh', 'Nasser', 'Hamdan', 'Farouk', 'Aziz', 'Rahman', 'Said', 'Najjar', 'Qasim', 'Shaheen', 'Darwish'],
  },
}
const POOL = 400

const cache = new Map<number, Pools>()

/** The pools for a seed; computed once per process and seed. */
export function poolsFor(seed: number): Pools {
  let p = cache.get(seed)
  if (!p) {
    p = build(seed)
    cache.set(seed, p)
  }
  return p
}

function build(seed: number): Pools {
  const names = new Map<string, NamePool>()
  NAME_LOCALES.forEach(([lang, locale], i) => {
    const f = new Faker({ locale: [locale, en, base] })
    f.seed(hash32(seed, STREAM.pools, i))
    // Latin-script names keep emails and search readable for every locale.
    const latin = (s: string): string => (/^[\p{Script=Latin}' -]+$/u.test(s) ? s : '')
    names.set(lang, { first: unique(() => latin(f.person.firstName())), last: unique(() => latin(f.person.lastName())) })
  })
  for (const [lang, pool] of Object.entries(ROMANISED)) names.set(lang, pool)
  const f = new Faker({ locale: [en, base] })
  f.seed(hash32(seed, STREAM.pools, 100))
  const phrases = unique(() => f.hacker.phrase(), 300)
  const questions = unique(() => `How would you ${f.hacker.verb()} the ${f.hacker.adjective()} ${f.hacker.noun()}?`, 200)
  const aiNames = unique(() => `${f.word.adjective({ length: { min: 4, max: 8 } })}-${f.word.noun({ length: { min: 3, max: 7 } })}`, 200).map((s) => `AI ${s.charAt(0).toUpperCase()}${s.slice(1)}`)
  return { names, phrases, questions, aiNames }
}

/** Up to n distinct values, in draw order (deterministic for a seeded faker). */
function unique(draw: () => string, n = POOL): string[] {
  const seen = new Set<string>()
  for (let i = 0; i < n * 4 && seen.size < n; i++) {
    const v = draw()
      .replace(/[\t\n\r\\]/g, ' ')
      .trim()
    if (v) seen.add(v)
  }
  return [...seen]
}
