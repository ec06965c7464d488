// The vocabularies and weights behind the synthetic population: languages, countries, education,
// industries and topics. The five Terac demo topics keep its exact spelling and case.
import { weighted, type Weighted } from './rng.ts'

/** The Terac demo's topics, spelled as its curl examples spell them. */
export const DEMO_TOPICS = ['FinTech', 'Chargebacks', 'pricing', 'retention', 'payments'] as const

export const TOPICS: Weighted<string> = weighted([
  ['FinTech', 9],
  ['Chargebacks', 6],
  ['pricing', 9],
  ['retention', 8],
  ['payments', 9],
  ['onboarding', 6],
  ['churn', 5],
  ['UX research', 5],
  ['B2B SaaS', 6],
  ['healthcare', 5],
  ['e-commerce', 6],
  ['marketplaces', 4],
  ['fraud', 4],
  ['compliance', 4],
  ['AI/ML', 6],
  ['developer tools', 4],
  ['hiring', 4],
  ['logistics', 3],
  ['insurance', 3],
  ['lending', 3],
  ['crypto', 2],
  ['subscriptions', 4],
  ['mobile apps', 4],
  ['security', 3],
  ['data engineering', 3],
  ['product management', 5],
  ['sales', 4],
  ['marketing', 4],
  ['customer support', 4],
  ['education', 3],
  ['gaming', 2],
  ['climate', 2],
])

/** Spoken-language mix of the user population (first language); English is the most common. */
export const LANGUAGES: Weighted<string> = weighted([
  ['English', 40],
  ['Spanish', 14],
  ['French', 7],
  ['German', 6],
  ['Portuguese', 6],
  ['Mandarin', 6],
  ['Japanese', 3],
  ['Hindi', 5],
  ['Arabic', 4],
  ['Italian', 3],
  ['Korean', 2],
  ['Dutch', 2],
  ['Polish', 1.5],
  ['Turkish', 1.5],
])

/** Country → timezones and the languages spoken there (first is the main one), with population weight. */
export interface Country {
  name: string
  timezones: string[]
  languages: string[]
}
const C = (name: string, timezones: string[], languages: string[], w: number): [Country, number] => [{ name, timezones, languages }, w]
export const COUNTRIES: Weighted<Country> = weighted([
  C('United States', ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'], ['English', 'Spanish'], 22),
  C('United Kingdom', ['Europe/London'], ['English'], 7),
  C('Canada', ['America/Toronto', 'America/Vancouver'], ['English', 'French'], 4),
  C('Australia', ['Australia/Sydney', 'Australia/Perth'], ['English'], 3),
  C('Ireland', ['Europe/Dublin'], ['English'], 1),
  C('India', ['Asia/Kolkata'], ['Hindi', 'English'], 8),
  C('Nigeria', ['Africa/Lagos'], ['English'], 2),
  C('Singapore', ['Asia/Singapore'], ['English', 'Mandarin'], 1),
  C('Mexico', ['America/Mexico_City'], ['Spanish'], 5),
  C('Spain', ['Europe/Madrid'], ['Spanish'], 4),
  C('Argentina', ['America/Argentina/Buenos_Aires'], ['Spanish'], 2),
  C('Colombia', ['America/Bogota'], ['Spanish'], 2),
  C('France', ['Europe/Paris'], ['French'], 5),
  C('Belgium', ['Europe/Brussels'], ['French', 'Dutch'], 1),
  C('Germany', ['Europe/Berlin'], ['German'], 5),
  C('Austria', ['Europe/Vienna'], ['German'], 1),
  C('Switzerland', ['Europe/Zurich'], ['German', 'French', 'Italian'], 1),
  C('Brazil', ['America/Sao_Paulo'], ['Portuguese'], 5),
  C('Portugal', ['Europe/Lisbon'], ['Portuguese'], 1),
  C('China', ['Asia/Shanghai'], ['Mandarin'], 5),
  C('Taiwan', ['Asia/Taipei'], ['Mandarin'], 1),
  C('Japan', ['Asia/Tokyo'], ['Japanese'], 3),
  C('South Korea', ['Asia/Seoul'], ['Korean'], 2),
  C('Egypt', ['Africa/Cairo'], ['Arabic'], 2),
  C('United Arab Emirates', ['Asia/Dubai'], ['Arabic', 'English'], 1),
  C('Saudi Arabia', ['Asia/Riyadh'], ['Arabic'], 1),
  C('Italy', ['Europe/Rome'], ['Italian'], 3),
  C('Netherlands', ['Europe/Amsterdam'], ['Dutch', 'English'], 2),
  C('Poland', ['Europe/Warsaw'], ['Polish'], 1.5),
  C('Turkey', ['Europe/Istanbul'], ['Turkish'], 1.5),
])

export const AGE_BANDS: Weighted<string> = weighted([
  ['18-24', 16],
  ['25-34', 32],
  ['35-44', 25],
  ['45-54', 15],
  ['55-64', 8],
  ['65+', 4],
])

export const EDUCATION: Weighted<string> = weighted([
  ['high_school', 18],
  ['associate', 8],
  ['bachelor', 42],
  ['master', 24],
  ['doctorate', 4],
  ['bootcamp', 4],
])

/** Industry → the topics its people tend to care about (drawn more often than the global mix). */
export const INDUSTRY_TOPICS: Record<string, string[]> = {
  'Financial services': ['FinTech', 'payments', 'Chargebacks', 'fraud', 'compliance', 'lending'],
  Banking: ['payments', 'FinTech', 'compliance', 'lending', 'fraud'],
  Software: ['B2B SaaS', 'developer tools', 'AI/ML', 'pricing', 'onboarding', 'data engineering'],
  'E-commerce': ['e-commerce', 'payments', 'Chargebacks', 'retention', 'pricing', 'marketplaces'],
  Retail: ['retention', 'pricing', 'customer support', 'e-commerce', 'logistics'],
  Healthcare: ['healthcare', 'compliance', 'UX research', 'insurance'],
  Insurance: ['insurance', 'fraud', 'compliance', 'pricing'],
  Education: ['education', 'onboarding', 'UX research', 'subscriptions'],
  Media: ['subscriptions', 'churn', 'retention', 'marketing', 'gaming'],
  Logistics: ['logistics', 'pricing', 'marketplaces', 'customer support'],
  Consulting: ['product management', 'pricing', 'sales', 'hiring'],
  Telecom: ['churn', 'retention', 'subscriptions', 'customer support', 'pricing'],
  Energy: ['climate', 'pricing', 'compliance'],
  Government: ['compliance', 'security', 'UX research'],
  Gaming: ['gaming', 'mobile apps', 'retention', 'payments'],
}
export const INDUSTRIES: Weighted<string> = weighted([
  ['Software', 18],
  ['Financial services', 12],
  ['E-commerce', 10],
  ['Retail', 8],
  ['Healthcare', 9],
  ['Banking', 6],
  ['Insurance', 4],
  ['Education', 7],
  ['Media', 5],
  ['Logistics', 4],
  ['Consulting', 6],
  ['Telecom', 3],
  ['Energy', 2],
  ['Government', 3],
  ['Gaming', 3],
])

/** Languages AI interviewers add beyond English, by how commonly they are offered. */
export const AI_LANGUAGES: Weighted<string> = weighted([
  ['Spanish', 10],
  ['French', 8],
  ['German', 8],
  ['Portuguese', 7],
  ['Mandarin', 6],
  ['Japanese', 5],
  ['Hindi', 5],
  ['Arabic', 5],
  ['Italian', 5],
  ['Korean', 4],
  ['Dutch', 3],
  ['Polish', 2],
  ['Turkish', 2],
])

/** Fixed reference instant so generated timestamps never depend on the clock. */
export const EPOCH_MS = Date.UTC(2025, 5, 30)
export const DAY_MS = 86_400_000
