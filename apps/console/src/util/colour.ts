import type { ConversationColour } from '@switchboard/sdk';

/** What each colour of the seed product's code means, as the text shown next to the dot. */
export const COLOUR_LABELS: Readonly<Record<ConversationColour, string>> = {
  grey: 'Browsing',
  red: 'Waiting for chat',
  yellow: 'Waiting for agent',
  green: 'Waiting for visitor',
  blue: 'Chatted before',
};

export function colourLabel(colour: string | null | undefined): string {
  return COLOUR_LABELS[(colour ?? 'grey') as ConversationColour] ?? colour ?? '';
}
