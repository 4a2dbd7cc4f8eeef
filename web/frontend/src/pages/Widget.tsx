import { ComingSoonPage } from '../components/ComingSoonPage';

export default function Widget() {
  return <ComingSoonPage section="Widget" />;
}
