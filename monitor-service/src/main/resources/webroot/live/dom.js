// DOM helpers. Data only ever reaches the page as text nodes or attribute values (never as markup),
// so a node name or an error message cannot inject anything.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'text') {
      element.textContent = String(value);
    } else if (name === 'class') {
      element.setAttribute('class', value);
    } else if (name === 'dataset') {
      for (const [key, data] of Object.entries(value)) {
        if (data !== undefined && data !== null) {
          element.dataset[key] = String(data);
        }
      }
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children || []) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return element;
}

/** An HTML element: h('div', {class: 'x', text: 'y'}, [children]). */
export function h(tag, attrs, children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, same arguments as h(). */
export function s(tag, attrs, children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces every child of parent. */
export function replaceChildren(parent, children) {
  parent.replaceChildren(...children.filter(child => child !== null && child !== undefined && child !== false));
}

/** Sets an SVG group's position through CSS, so that a change of position can be animated. */
export function place(element, x, y) {
  element.style.transform = `translate(${x}px, ${y}px)`;
}
