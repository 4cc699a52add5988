/**
 * Responses API output → ChatKit values, for `streamAgentResponse`: citations become annotations, generated images
 * become URLs (chatkit-python's `ResponseStreamConverter`), plus `accumulateText`. Only types come from
 * `@openai/agents` here, so the package entry can export these without loading the SDK.
 */
import type { RunStreamEvent } from '@openai/agents';
import type { Annotation, AssistantMessageContent, WidgetComponent } from './types.js';

// ── Responses API shapes read from raw model events (typed loosely: providers differ, and so do SDK versions) ────

export interface FileCitation { type: 'file_citation'; file_id?: string; filename?: string | null; index: number }
export interface ContainerFileCitation { type: 'container_file_citation'; filename?: string | null; start_index: number; end_index: number }
export interface UrlCitation { type: 'url_citation'; url: string; title: string; start_index: number; end_index: number }
type RawAnnotation = FileCitation | ContainerFileCitation | UrlCitation | { type: string };
export interface RawContentPart { type: string; text?: string; refusal?: string; annotations?: unknown[] }
export interface RawOutputItem { type: string; id?: string; content?: RawContentPart[]; result?: string | null; call_id?: string }
export interface RawEvent {
  type: string;
  item_id?: string;
  content_index?: number;
  summary_index?: number;
  delta?: string;
  text?: string;
  part?: RawContentPart;
  item?: RawOutputItem;
  annotation?: unknown;
  partial_image_b64?: string;
  partial_image_index?: number;
}

/**
 * Turns Responses API output (citations, generated images) into ChatKit values. Subclass it to map file
 * citations to your own sources, or to upload generated images and answer their URL (`ResponseStreamConverter`).
 */
export class ResponseStreamConverter {
  /** Expected number of partial images of an image generation (normalises their progress to 0…1). */
  partialImages: number | null;

  constructor(options: { partialImages?: number | null } = {}) {
    this.partialImages = options.partialImages ?? null;
  }

  /** The URL stored for a generated (or partial) image. Default: a `data:` URL. */
  async base64ImageToUrl(_imageId: string, base64Image: string, _partialImageIndex?: number): Promise<string> {
    return `data:image/png;base64,${base64Image}`;
  }

  /** Progress (0…1) of a partial image; 0 when {@link partialImages} is unset. */
  partialImageIndexToProgress(partialImageIndex: number): number {
    if (!this.partialImages || this.partialImages <= 0) return 0;
    return Math.min(1, partialImageIndex / this.partialImages);
  }

  /** A file citation → an annotation (none when it has no file name). */
  async fileCitationToAnnotation(citation: FileCitation): Promise<Annotation | null> {
    if (!citation.filename) return null;
    return { type: 'annotation', source: { type: 'file', filename: citation.filename, title: citation.filename }, index: citation.index };
  }

  /** A container file citation → an annotation at its end index (none without a file name). */
  async containerFileCitationToAnnotation(citation: ContainerFileCitation): Promise<Annotation | null> {
    if (!citation.filename) return null;
    return { type: 'annotation', source: { type: 'file', filename: citation.filename, title: citation.filename }, index: citation.end_index };
  }

  /** A URL citation → an annotation at its end index. */
  async urlCitationToAnnotation(citation: UrlCitation): Promise<Annotation | null> {
    return { type: 'annotation', source: { type: 'url', url: citation.url, title: citation.title }, index: citation.end_index };
  }
}

/** The converter `streamAgentResponse` uses when none is given. */
export const defaultResponseConverter = new ResponseStreamConverter();

/** A Responses annotation (typed or a plain object) → a ChatKit annotation, or null when it has no counterpart. */
export async function convertAnnotation(raw: unknown, converter: ResponseStreamConverter): Promise<Annotation | null> {
  if (!raw || typeof raw !== 'object') return null;
  const annotation = raw as RawAnnotation;
  switch (annotation.type) {
    case 'file_citation': return converter.fileCitationToAnnotation(annotation as FileCitation);
    case 'url_citation': return converter.urlCitationToAnnotation(annotation as UrlCitation);
    case 'container_file_citation': return converter.containerFileCitationToAnnotation(annotation as ContainerFileCitation);
    default: return null;
  }
}

/** A Responses output content part (text or refusal) → assistant message content. */
export async function convertContent(part: RawContentPart, converter: ResponseStreamConverter): Promise<AssistantMessageContent> {
  if (part.type === 'output_text') {
    const annotations: Annotation[] = [];
    for (const raw of part.annotations ?? []) {
      const annotation = await convertAnnotation(raw, converter);
      if (annotation) annotations.push(annotation);
    }
    return { type: 'output_text', text: part.text ?? '', annotations };
  }
  return { type: 'output_text', text: part.refusal ?? part.text ?? '', annotations: [] };
}

/**
 * Text of a streamed run accumulated into a `Text`/`Markdown` widget (`accumulate_text`): yields the base widget,
 * then one copy per text delta with the text so far, then a final copy with `streaming: false`.
 */
export async function* accumulateText<TWidget extends WidgetComponent>(
  events: AsyncIterable<RunStreamEvent>,
  baseWidget: TWidget,
): AsyncGenerator<TWidget> {
  let text = '';
  yield baseWidget;
  for await (const event of events) {
    if (event.type !== 'raw_model_stream_event') continue;
    if (event.data.type === 'output_text_delta') {
      text += event.data.delta;
      yield { ...baseWidget, value: text };
    }
  }
  yield { ...baseWidget, value: text, streaming: false };
}
